/** Sends one group of items in one call; results in item order. */
export type SendGroup<T, R> = (key: string, items: T[]) => Promise<R[]>;

interface Group<T, R> {
  items: T[];
  waiters: Array<{ resolve: (value: R) => void; reject: (error: unknown) => void }>;
  sent: boolean;
}

/**
 * Collects calls made in the same turn of the event loop that share a key
 * (same backend, same decoding) and sends each group as one call, at most
 * `maxItems` per group. This is how a sync batch turns 256 items into a few
 * prompt-array `/v1/completions` requests instead of 256 subrequests. When a
 * group's call fails, each member is sent alone, so one bad prompt (too long,
 * poisoned) fails only its own item.
 *
 * @example
 * const generate = createCoalescer((key, prompts) => backend.generateMany(prompts, decoding), 64);
 * const [a, b] = await Promise.all([generate("greedy", "Q: x"), generate("greedy", "Q: y")]); // one request
 */
export function createCoalescer<T, R>(send: SendGroup<T, R>, maxItems: number): (key: string, item: T) => Promise<R> {
  const open = new Map<string, Group<T, R>>();

  async function sendChecked(key: string, items: T[]): Promise<R[]> {
    const results = await send(key, items);
    if (results.length !== items.length) throw new Error(`expected ${items.length} results, got ${results.length}`);
    return results;
  }

  function flush(key: string, group: Group<T, R>): void {
    if (group.sent) return;
    group.sent = true;
    if (open.get(key) === group) open.delete(key);
    sendChecked(key, group.items).then(
      (results) => {
        for (const [index, waiter] of group.waiters.entries()) waiter.resolve(results[index] as R);
      },
      (error: unknown) => {
        if (group.items.length === 1) {
          group.waiters[0]?.reject(error);
          return;
        }
        group.items.forEach((item, index) => {
          const waiter = group.waiters[index] as Group<T, R>["waiters"][number];
          sendChecked(key, [item]).then((results) => waiter.resolve(results[0] as R), waiter.reject);
        });
      },
    );
  }

  return (key, item) =>
    new Promise<R>((resolve, reject) => {
      let group = open.get(key);
      if (!group) {
        const created: Group<T, R> = { items: [], waiters: [], sent: false };
        open.set(key, created);
        setTimeout(() => flush(key, created), 0);
        group = created;
      }
      group.items.push(item);
      group.waiters.push({ resolve, reject });
      if (group.items.length >= maxItems) flush(key, group);
    });
}
