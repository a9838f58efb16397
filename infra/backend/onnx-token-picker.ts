import type { Decoding } from "../../src/model/backend";
import type { Gpt2Runner, KvCache } from "../../src/model/edge/gpt2-runner";
import { createRng, pickToken } from "../../src/model/edge/sample-token";
import { GREEDY_TEMPERATURE, type GenerationParams } from "./engine";
import type { PickNextToken } from "./generation-loop";
import { describeTokenLogprob, type TokenText } from "./onnx-logprobs";

/**
 * The model side of generation for `runGeneration`: the edge runner's KV
 * cache and the edge sampler pick each token; when a sequence ends is
 * generation-loop.ts's business (vLLM's rules).
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
 * A picker for one sequence: the first call feeds the prompt, each later call
 * feeds only the token picked before it, so the last token of a finished
 * sequence is never fed (as in `generateIds`).
 *
 * @example
 * const pick = createTokenPicker(runner, promptIds, params, gpt2TokenText);
 * const result = await runGeneration(params, vocabulary, pick);
 */
export function createTokenPicker(runner: Gpt2Runner, promptIds: readonly number[], params: GenerationParams, tokenText: TokenText): PickNextToken {
  if (promptIds.length === 0) throw new Error("generation needs at least one prompt token");
  const decoding = toDecoding(params);
  const rng = createRng(pickSeed(params));
  let cache: KvCache | undefined;
  let next = new Float32Array(0);
  return async (generatedIds) => {
    const fed = cache === undefined ? promptIds : generatedIds.slice(-1);
    const last = (cache?.length ?? 0) + fed.length - 1;
    // Only the newest position's logits matter; copying every prompt row would cost 200 kB each.
    cache = await runner.feed(
      fed,
      cache,
      (position, logits) => {
        if (position === last) next = logits.slice();
      },
      { lastOnly: true },
    );
    const id = pickToken(next, decoding, rng);
    return { id, ...describeTokenLogprob(next, id, params.logprobs, tokenText) };
  };
}
