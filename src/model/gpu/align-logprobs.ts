import type { ScoredContinuation } from "../backend";
import type { CompletionChoice } from "./wire";

/**
 * Picks the continuation's tokens out of an echoed prompt's logprobs. A token
 * belongs to the continuation when it holds any character past the context;
 * tokens at or after the prompt's end were generated and are ignored.
 * Throws a plain Error with the reason; the caller turns it into a 502.
 *
 * @example
 * alignContinuation(choice, "The cat", " sat"); // { tokens: [" sat"], logprobs: [-3.1], logprob: -3.1, promptTokens: 3 }
 */
export function alignContinuation(choice: CompletionChoice, context: string, continuation: string): ScoredContinuation {
  const logprobs = choice.logprobs;
  if (!logprobs) throw new Error("the response has no logprobs for an echo request");
  const { tokens, token_logprobs: values, text_offset: offsets } = logprobs;
  if (tokens.length !== values.length || tokens.length !== offsets.length) {
    throw new Error("logprobs arrays differ in length");
  }
  const promptEnd = context.length + continuation.length;
  const picked: ScoredContinuation = { tokens: [], logprobs: [], logprob: 0, promptTokens: 0 };
  for (let i = 0; i < tokens.length; i += 1) {
    const start = offsets[i] ?? 0;
    if (start >= promptEnd) break;
    picked.promptTokens += 1;
    const end = offsets[i + 1] ?? promptEnd;
    if (end <= context.length) continue;
    const value = values[i];
    if (value === null || value === undefined) throw new Error(`no logprob for continuation token ${i}`);
    picked.tokens.push(tokens[i] ?? "");
    picked.logprobs.push(value);
    picked.logprob += value;
  }
  if (picked.tokens.length === 0 && continuation.length > 0) {
    throw new Error("no continuation tokens found in the echoed prompt");
  }
  return picked;
}
