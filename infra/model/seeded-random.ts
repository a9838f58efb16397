/** A stream of pseudo-random numbers that depends only on its seed. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  nextUniform(): number;
  /** Approximately standard normal (mean 0, variance 1, support [-6, 6]). */
  nextNormal(): number;
}

/**
 * Creates a mulberry32 stream. Normals are Irwin–Hall sums of twelve uniforms
 * rather than Box–Muller: only integer and IEEE-754 add/multiply operations
 * are involved, which every JS engine rounds identically, whereas Math.log and
 * Math.cos are implementation-defined; so a seed yields the same bytes anywhere.
 *
 * @example
 * const random = createSeededRandom(1);
 * const weight = 0.02 * random.nextNormal();
 */
export function createSeededRandom(seed: number): SeededRandom {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be an integer in [0, 2^32), got ${seed}`);
  let state = seed >>> 0;
  const nextUniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const nextNormal = (): number => {
    let sum = 0;
    for (let i = 0; i < 12; i += 1) sum += nextUniform();
    return sum - 6;
  };
  return { nextUniform, nextNormal };
}
