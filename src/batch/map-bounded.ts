/**
 * Maps `items` through `run` with at most `limit` calls in flight, keeping
 * input order in the result; bounds the fan-out of a sync batch and of one queue message.
 *
 * @example
 * await mapBounded([1, 2, 3], 2, async (n) => n * 2); // [2, 4, 6]
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
