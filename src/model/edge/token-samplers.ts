import type { Decoding } from "../backend";
import {
  applyLogitsProcessors,
  createLogitsProcessors,
  isGreedy,
  rankCandidates,
  weighCandidates,
  type Candidates,
} from "./logits-processors";
import { argmax, createRng } from "./sample-token";

/**
 * Samplers: the last step after the logits processors, turning what is left
 * of the distribution into one token id.
 */

/**
 * Picks one id from the candidates the processors left.
 *
 * @example
 * const lowestId: TokenSampler = (c) => Math.min(...rankCandidates(c));
 */
export type TokenSampler = (candidates: Candidates) => number;

/**
 * The most likely allowed id, lowest id on ties (like `torch.argmax`).
 *
 * @example
 * createGreedySampler()({ logits: Float32Array.from([1, 3, 3]), temperature: 1 }); // 1
 */
export function createGreedySampler(): TokenSampler {
  return (candidates) => (candidates.ids ? (candidates.ids[0] as number) : argmax(candidates.logits));
}

/**
 * Draws an id in proportion to its weight, one `rng()` per draw. The ids are
 * walked most likely first and weights summed in that order: any other order
 * rounds differently and would change which token a seed picks.
 *
 * @example
 * createMultinomialSampler(createRng(1))({ logits, temperature: 0.8 });
 */
export function createMultinomialSampler(rng: () => number): TokenSampler {
  return (candidates) => {
    const ids = rankCandidates(candidates);
    const weights = weighCandidates(candidates, ids);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    let draw = rng() * total;
    for (let i = 0; i < ids.length; i += 1) {
      draw -= weights[i] as number;
      if (draw < 0) return ids[i] as number;
    }
    // Rounding can leave a sliver of the draw after the last weight.
    return ids[ids.length - 1] as number;
  };
}

/**
 * The whole next-token choice for a `Decoding`: its logits processors, then
 * greedy or a multinomial draw seeded by `decoding.seed` (a random seed when
 * absent). Keep one chooser per sequence: it owns the sequence's PRNG.
 *
 * @example
 * const choose = createTokenChooser({ strategy: "sample", topK: 40, seed: 7, maxTokens: 8 });
 * const id = choose(logits);
 */
export function createTokenChooser(decoding: Decoding): (logits: Float32Array) => number {
  const processors = createLogitsProcessors(decoding);
  const sample = isGreedy(decoding)
    ? createGreedySampler()
    : createMultinomialSampler(createRng(decoding.seed ?? Math.floor(Math.random() * 2 ** 32)));
  return (logits) => sample(applyLogitsProcessors(processors, logits));
}
