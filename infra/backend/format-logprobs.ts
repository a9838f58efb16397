import type { CompletionEngine, GeneratedToken, ScoredToken } from "./engine";

/**
 * vLLM's `CompletionLogProbs` for both response shapes: a whole completion
 * lists every token, a streamed chunk only its own, with offsets continuing
 * from the text already sent.
 */

/** vLLM's `CompletionLogProbs`. */
export interface CompletionLogprobs {
  text_offset: number[];
  token_logprobs: Array<number | null>;
  tokens: string[];
  top_logprobs: Array<Record<string, number> | null>;
}

/** One token's line in `CompletionLogprobs`, before formatting. */
export interface LogprobEntry {
  token: string;
  logprob: number | null;
  top: Record<string, number> | null;
}

// JSON has no -Infinity; vLLM clamps as OpenAI does.
const LOWEST_LOGPROB = -9999;

/**
 * A text's length as Python counts it (code points, not UTF-16 units), the
 * unit of vLLM's offsets.
 *
 * @example
 * countCodePoints("né😀"); // 3
 */
export function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * Formats entries, the first at `initialOffset` code points into the choice's text.
 *
 * @example
 * formatLogprobs([{ token: " a", logprob: -1, top: { " a": -1 } }], 5);
 * // { text_offset: [5], token_logprobs: [-1], tokens: [" a"], top_logprobs: [{ " a": -1 }] }
 */
export function formatLogprobs(entries: readonly LogprobEntry[], initialOffset = 0): CompletionLogprobs {
  const out: CompletionLogprobs = { text_offset: [], token_logprobs: [], tokens: [], top_logprobs: [] };
  let offset = initialOffset;
  for (const { token, logprob, top } of entries) {
    out.text_offset.push(offset);
    offset += countCodePoints(token);
    out.tokens.push(token);
    out.token_logprobs.push(logprob === null ? null : Math.max(logprob, LOWEST_LOGPROB));
    out.top_logprobs.push(
      top === null ? null : Object.fromEntries(Object.entries(top).map(([text, value]) => [text, Math.max(value, LOWEST_LOGPROB)])),
    );
  }
  return out;
}

/**
 * Entries for an echoed prompt; the first token has no logprob.
 *
 * @example
 * describePromptEntries([464, 3797], [null, { logprob: -2.5 }], engine); // [{ token: "The", logprob: null, top: null }, ...]
 */
export function describePromptEntries(
  ids: readonly number[],
  scored: ReadonlyArray<ScoredToken | null>,
  engine: CompletionEngine,
): LogprobEntry[] {
  return ids.map((id, index) => ({
    token: engine.tokenText(id),
    logprob: scored[index]?.logprob ?? null,
    top: scored[index]?.top ?? null,
  }));
}

/**
 * The entry for a generated token; without asked-for alternatives vLLM still
 * lists the token itself.
 *
 * @example
 * describeGeneratedEntry({ id: 318, text: " is", logprob: -0.7 }); // { token: " is", logprob: -0.7, top: { " is": -0.7 } }
 */
export function describeGeneratedEntry(token: GeneratedToken): LogprobEntry {
  return { token: token.text, logprob: token.logprob, top: token.top ?? { [token.text]: token.logprob } };
}
