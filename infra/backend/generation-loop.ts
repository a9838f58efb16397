import type { GeneratedToken, GenerationParams, GenerationResult } from "./engine";

/**
 * The part of generation that is the same for every engine: vLLM's rules for
 * when a sequence ends and what text it returns. Engines only pick tokens.
 */

/** A token an engine picked, before the loop attaches its text. */
export interface PickedToken {
  id: number;
  logprob: number;
  top?: Record<string, number>;
}

/** Picks the next token given the tokens generated so far (the prompt is the engine's business). */
export type PickNextToken = (generatedIds: readonly number[]) => PickedToken | Promise<PickedToken>;

/** How the loop turns ids into text. */
export interface LoopVocabulary {
  endOfTextId: number;
  detokenize(ids: readonly number[]): string;
  tokenText(id: number): string;
}

interface StopHit {
  index: number;
  stop: string;
}

// vLLM checks each stop string, in the order given, against only the newly
// decoded characters (plus a stop-length lookback), so the first stop in list
// order that completes on this token wins, not the earliest in the text.
function findStop(text: string, previousLength: number, stops: readonly string[]): StopHit | undefined {
  for (const stop of stops) {
    const index = text.indexOf(stop, Math.max(0, previousLength - stop.length + 1));
    if (index >= 0) return { index, stop };
  }
  return undefined;
}

/**
 * Runs `pick` until end-of-text, a stop string or `maxTokens`, the way vLLM's
 * engine and detokenizer end a sequence: the end-of-text token and the tokens
 * that spelled a stop string stay in `tokens` (and so in usage and logprobs),
 * but not in `text`.
 *
 * @example
 * const result = await runGeneration(params, vocabulary, (generated) => ({ id: 13, logprob: -1 }));
 * // { tokens: [...16 tokens], text: "................", finishReason: "length", stopReason: null }
 */
export async function runGeneration(
  params: GenerationParams,
  vocabulary: LoopVocabulary,
  pick: PickNextToken,
): Promise<GenerationResult> {
  const tokens: GeneratedToken[] = [];
  const textIds: number[] = [];
  let text = "";
  while (tokens.length < params.maxTokens) {
    const picked = await pick(tokens.map((token) => token.id));
    tokens.push({ ...picked, text: vocabulary.tokenText(picked.id) });
    if (picked.id === vocabulary.endOfTextId) {
      return { tokens, text, finishReason: "stop", stopReason: null };
    }
    textIds.push(picked.id);
    const decoded = vocabulary.detokenize(textIds);
    const hit = findStop(decoded, text.length, params.stop);
    if (hit) return { tokens, text: decoded.slice(0, hit.index), finishReason: "stop", stopReason: hit.stop };
    text = decoded;
  }
  return { tokens, text, finishReason: "length", stopReason: null };
}
