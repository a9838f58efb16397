/** Flag parsing shared by the benches' command lines. */

/**
 * A whole-number flag value of at least `min`; otherwise an error naming the
 * flag, what was given and the bench's usage line.
 *
 * @example
 * parseCount("300", "--requests", 1, USAGE); // 300
 * parseCount("0.5", "--requests", 1, USAGE); // throws "--requests must be an integer of at least 1, got 0.5…"
 */
export function parseCount(text: string, flag: string, min: number, usage: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`${flag} must be an integer of at least ${min}, got ${text}\n${usage}`);
  return value;
}
