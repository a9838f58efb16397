/**
 * Numeric building blocks shared by the samplers (token-samplers.ts), the
 * logits processors and scoring, kept apart so scoring needs no sampling code.
 */

/**
 * A small seedable PRNG (mulberry32): the same seed gives the same samples in
 * workerd and Node.
 *
 * @example
 * const next = createRng(42); next(); // 0.6011037519201636
 */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * log Σ exp(logits): a token's logprob (what vLLM reports) is its logit minus
 * this. Indexed loops, since this runs on 50k logits per scored token.
 *
 * @example
 * logSumExp(Float32Array.from([0, 0])); // 0.693...
 */
export function logSumExp(logits: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i += 1) if ((logits[i] as number) > max) max = logits[i] as number;
  let sum = 0;
  for (let i = 0; i < logits.length; i += 1) sum += Math.exp((logits[i] as number) - max);
  return max + Math.log(sum);
}

/**
 * The most likely id, lowest id on ties (like `torch.argmax`).
 *
 * @example
 * argmax(Float32Array.from([1, 3, 3])); // 1
 */
export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i += 1) if ((logits[i] as number) > (logits[best] as number)) best = i;
  return best;
}

/**
 * The `count` most likely ids, most likely first.
 *
 * @example
 * topIds(Float32Array.from([0.1, 3, 2]), 2); // [1, 2]
 */
export function topIds(values: ArrayLike<number>, count: number): number[] {
  // Insertion into a short list beats sorting 50k ids for the usual small k.
  if (count > 64) {
    const all = Array.from({ length: values.length }, (_, id) => id);
    return all.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b).slice(0, count);
  }
  const best: number[] = [];
  for (let id = 0; id < values.length; id += 1) {
    const value = values[id] as number;
    if (best.length === count && value <= (values[best[count - 1] as number] as number)) continue;
    let at = best.length;
    while (at > 0 && value > (values[best[at - 1] as number] as number)) at -= 1;
    best.splice(at, 0, id);
    if (best.length > count) best.pop();
  }
  return best;
}
