import { generateTokens, type PickNextToken } from "../../src/model/edge/generate-tokens";
import { createStoppingCriteria } from "../../src/model/edge/stopping-criteria";
import type { GeneratedToken, GenerationParams, GenerationResult } from "./engine";

/**
 * The completions server's side of the one generation loop
 * (src/model/edge/generate-tokens.ts): vLLM's request parameters in, vLLM's
 * result shape out. When a sequence ends is decided there, not here.
 */

/** A token an engine picked, before its text is attached. */
export interface PickedToken {
  id: number;
  logprob: number;
  top?: Record<string, number>;
}

/** How the loop turns ids into text. */
export interface LoopVocabulary {
  endOfTextId: number;
  detokenize(ids: readonly number[]): string;
  tokenText(id: number): string;
}

/**
 * Runs `pick` through `generateTokens` with the request's `max_tokens` and
 * stop strings and the model's end-of-text, and attaches each token's text
 * for `logprobs`. End-of-text and stop-string tokens are in `tokens`, not in `text`.
 *
 * @example
 * const result = await runGeneration(params, vocabulary, (generated) => ({ id: 13, logprob: -1 }));
 * // { tokens: [...16 tokens], text: "................", finishReason: "length", stopReason: null }
 */
export async function runGeneration(
  params: GenerationParams,
  vocabulary: LoopVocabulary,
  pick: PickNextToken<PickedToken>,
): Promise<GenerationResult> {
  const criteria = createStoppingCriteria({ maxTokens: params.maxTokens, eosTokenId: vocabulary.endOfTextId, stop: params.stop });
  const out = await generateTokens(pick, { criteria, decode: vocabulary.detokenize });
  const tokens: GeneratedToken[] = out.tokens.map((token) => ({ ...token, text: vocabulary.tokenText(token.id) }));
  return { tokens, text: out.text, finishReason: out.finishReason, stopReason: out.stopReason };
}
