import type { Decoding } from "../../src/model/backend";
import type { PickNextToken } from "../../src/model/edge/generate-tokens";
import type { Gpt2Runner } from "../../src/model/edge/gpt2-runner";
import { createModelTokenSource } from "../../src/model/edge/generate-ids";
import { createTokenChooser } from "../../src/model/edge/token-samplers";
import { GREEDY_TEMPERATURE, type GenerationParams } from "./engine";
import type { PickedToken } from "./generation-loop";
import { describeTokenLogprob, type TokenText } from "./onnx-logprobs";

/**
 * The model side of generation for `runGeneration`: the edge engine's token
 * source (runner and KV cache) and token chooser, in vLLM's sampling terms;
 * when a sequence ends is the shared loop's business.
 */

/**
 * vLLM's sampling settings in the edge sampler's terms: greedy below
 * vLLM's temperature epsilon, top-k 0 meaning off.
 *
 * @example
 * toDecoding({ maxTokens: 8, temperature: 0.7, topP: 0.9, topK: 40, sampleIndex: 0, stop: [], logprobs: null });
 * // { strategy: "sample", maxTokens: 8, temperature: 0.7, topP: 0.9, topK: 40 }
 */
export function toDecoding(params: GenerationParams): Decoding {
  return {
    strategy: params.temperature < GREEDY_TEMPERATURE ? "greedy" : "sample",
    maxTokens: params.maxTokens,
    temperature: params.temperature,
    topP: params.topP,
    ...(params.topK > 0 ? { topK: params.topK } : {}),
  };
}

/**
 * The sampler seed of one sequence. vLLM gives the i-th of a request's `n`
 * seeded sequences the seed `seed + i` (its ParentRequest), so sequence 0
 * samples exactly what a single seeded request (or `generateIds` with that
 * seed) does; unseeded sequences draw a fresh seed each.
 *
 * @example
 * pickSeed({ ...params, seed: 7, sampleIndex: 2 }); // 9
 */
export function pickSeed(params: GenerationParams): number {
  return params.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : params.seed + params.sampleIndex;
}

/**
 * A picker for one sequence: `createModelTokenSource` (the prompt fed once,
 * then one token per step, the last token of a finished sequence never fed)
 * choosing as `generateIds` does with seed `pickSeed(params)`, with vLLM's logprobs.
 *
 * @example
 * const pick = createTokenPicker(runner, promptIds, params, gpt2TokenText);
 * const result = await runGeneration(params, vocabulary, pick);
 */
export function createTokenPicker(
  runner: Gpt2Runner,
  promptIds: readonly number[],
  params: GenerationParams,
  tokenText: TokenText,
): PickNextToken<PickedToken> {
  const choose = createTokenChooser({ ...toDecoding(params), seed: pickSeed(params) });
  return createModelTokenSource(runner, promptIds, (logits) => {
    const id = choose(logits);
    return { id, ...describeTokenLogprob(logits, id, params.logprobs, tokenText) };
  });
}
