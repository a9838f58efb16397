import type { Decoding } from "../backend";
import { topIds } from "./sample-token";

/**
 * Logits processors in the transformers.js sense: each narrows or reshapes
 * the next-token distribution, and a sampler then picks from what is left.
 * Listed in transformers' order: temperature, top-k, top-p.
 */

/**
 * The next-token distribution between processors.
 *
 * Temperature is carried as a divisor instead of being applied to 50k logits:
 * ranking then happens on the model's own float32 values (no rounding can
 * reorder two near-equal logits), and every weight is computed once as
 * exp((logit - top) / temperature), the arithmetic the seeded goldens were made with.
 */
export interface Candidates {
  /** The model's next-token logits by token id; processors never write them. */
  readonly logits: Float32Array;
  /** Ids still allowed, most likely first (lowest id on ties); absent while every id is. */
  readonly ids?: readonly number[];
  /** What logits are divided by to become sampling weights; 1 is the model's own distribution. */
  readonly temperature: number;
}

/**
 * One step of reshaping; processors are pure so a list can be replayed in any test.
 *
 * @example
 * const banEndOfText: LogitsProcessor = (c) => ({ ...c, ids: rankCandidates(c).filter((id) => id !== 50256) });
 */
export type LogitsProcessor = (candidates: Candidates) => Candidates;

/**
 * The allowed ids, most likely first. Sorting all 50k ids is costly, but a
 * multinomial draw must walk them in this order to stay reproducible.
 *
 * @example
 * rankCandidates({ logits: Float32Array.from([0.1, 3, 2]), temperature: 1 }); // [1, 2, 0]
 */
export function rankCandidates(candidates: Candidates): readonly number[] {
  return candidates.ids ?? topIds(candidates.logits, candidates.logits.length);
}

/**
 * Unnormalised sampling weights of ranked `ids` (most likely first): the
 * softmax numerators with the top logit subtracted, so the largest is 1.
 *
 * @example
 * weighCandidates({ logits: Float32Array.from([0, Math.LN2]), temperature: 1 }, [1, 0]); // [1, 0.5]
 */
export function weighCandidates(candidates: Candidates, ids: readonly number[]): number[] {
  const { logits, temperature } = candidates;
  const top = logits[ids[0] as number] as number;
  return ids.map((id) => Math.exp(((logits[id] as number) - top) / temperature));
}

/**
 * Divides logits by `temperature` (above 1 flattens, below 1 sharpens).
 *
 * @example
 * createTemperatureProcessor(0.7)({ logits, temperature: 1 }).temperature; // 0.7
 */
export function createTemperatureProcessor(temperature: number): LogitsProcessor {
  // Multiplying keeps two temperature processors equal to one with the product, as dividing twice would be.
  return (candidates) => ({ ...candidates, temperature: candidates.temperature * temperature });
}

/**
 * Keeps the `k` most likely ids. Ranking is on raw logits, which a positive
 * temperature cannot reorder, so its place relative to temperature is free.
 *
 * @example
 * createTopKProcessor(2)({ logits: Float32Array.from([0.1, 3, 2]), temperature: 1 }).ids; // [1, 2]
 */
export function createTopKProcessor(k: number): LogitsProcessor {
  return (candidates) => {
    const count = Math.min(k, candidates.logits.length);
    // Without an earlier cut, selecting k beats ranking the whole vocabulary.
    const ids = candidates.ids ? candidates.ids.slice(0, count) : topIds(candidates.logits, count);
    return { ...candidates, ids };
  };
}

/**
 * Keeps the smallest most-likely-first prefix whose probability reaches `p`
 * (nucleus sampling), under the temperature applied so far; at least one id stays.
 *
 * @example
 * createTopPProcessor(0.5)({ logits: Float32Array.from([0, 0, 5]), temperature: 1 }).ids; // [2]
 */
export function createTopPProcessor(p: number): LogitsProcessor {
  return (candidates) => {
    const ids = rankCandidates(candidates);
    const weights = weighCandidates(candidates, ids);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    let mass = 0;
    let kept = 0;
    while (kept < ids.length && mass < p * total) mass += weights[kept++] as number;
    return { ...candidates, ids: ids.slice(0, Math.max(kept, 1)) };
  };
}

/**
 * Runs `processors` in list order over one position's logits.
 *
 * @example
 * applyLogitsProcessors([createTemperatureProcessor(0.7), createTopKProcessor(40)], logits);
 */
export function applyLogitsProcessors(processors: readonly LogitsProcessor[], logits: Float32Array): Candidates {
  return processors.reduce<Candidates>((candidates, process) => process(candidates), { logits, temperature: 1 });
}

/**
 * The processors a sampled `Decoding` asks for, in transformers' order
 * (temperature, top-k, top-p); greedy decoding needs none. Top-k 0 and top-p 1 mean off, as in vLLM.
 *
 * @example
 * createLogitsProcessors({ strategy: "sample", temperature: 0.7, topK: 40, topP: 0.9, maxTokens: 8 }); // 3 processors
 */
export function createLogitsProcessors(decoding: Decoding): LogitsProcessor[] {
  if (isGreedy(decoding)) return [];
  const processors: LogitsProcessor[] = [];
  if (decoding.temperature !== undefined && decoding.temperature !== 1) processors.push(createTemperatureProcessor(decoding.temperature));
  if (decoding.topK !== undefined && decoding.topK > 0) processors.push(createTopKProcessor(decoding.topK));
  if (decoding.topP !== undefined && decoding.topP < 1) processors.push(createTopPProcessor(decoding.topP));
  return processors;
}

/**
 * Whether `decoding` takes the argmax: greedy asked, or temperature 0 (which no division can express).
 *
 * @example
 * isGreedy({ strategy: "sample", temperature: 0, maxTokens: 4 }); // true
 */
export function isGreedy(decoding: Decoding): boolean {
  return decoding.strategy === "greedy" || decoding.temperature === 0;
}
