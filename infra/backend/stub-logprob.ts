/**
 * The stub backend's "language model": a fixed pseudo-random log-probability
 * for every (previous token, token) pair. It imports nothing so that tests
 * running inside workerd can compute the values the stub will report.
 */

/** Seed used for the first token of a text, which has no predecessor. */
const NO_PREVIOUS = 0x9e3779b9;

/**
 * A 32-bit avalanche hash of two integers (murmur3 finaliser rounds), so that
 * neighbouring token ids get unrelated values.
 *
 * @example
 * mixTokens(464, 3797); // an unsigned 32-bit integer, always the same
 */
export function mixTokens(a: number, b: number): number {
  let h = Math.imul(a ^ 0x85ebca6b, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  h = Math.imul(h ^ b, 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Log-probability the stub assigns to token `id` right after `previousId`
 * (`undefined` for a text's first token): -(0.05 + u * 11.95) for a hashed
 * u in [0, 1), rounded to 6 decimals, so always in [-12, -0.05].
 *
 * @example
 * const expected = stubTokenLogprob(464, 3797); // " cat" after "The"
 * expect(choice.logprobs.token_logprobs[1]).toBe(expected);
 */
export function stubTokenLogprob(previousId: number | undefined, id: number): number {
  const bucket = mixTokens(previousId ?? NO_PREVIOUS, id) % 100000;
  // Integer micro-units keep the printed value short (-6.905596, not -6.9055954999999996).
  const micro = 50000 + Math.round((bucket * 1195) / 10);
  return -micro / 1e6;
}
