import type { Gpt2Runner, KvCache } from "./gpt2-runner";
import { logSumExp } from "./sample-token";

/** A token sequence and the index of its first scored token (at least 1). */
export interface ScoreItem {
  ids: readonly number[];
  from: number;
}

/**
 * Log-probabilities of `ids[from..]` for each item. Items that share their
 * unscored prefix (every candidate of a full-scoring `choose`) share its
 * forward pass: the prefix runs once and each continuation reuses its cache.
 *
 * @example
 * await scoreIds(runner, [{ ids: [464, 3797, 3332], from: 1 }]); // [[-7.2, -3.1]]
 */
export async function scoreIds(runner: Gpt2Runner, items: readonly ScoreItem[]): Promise<number[][]> {
  const results: number[][] = new Array(items.length);
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    if (item.from < 1 || item.from > item.ids.length) throw new Error(`cannot score from token ${item.from}`);
    const key = item.ids.slice(0, item.from).join(",");
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  for (const members of groups.values()) {
    const first = items[members[0] as number] as ScoreItem;
    const prefix = first.ids.slice(0, first.from);
    let last = new Float32Array(0);
    const cache = await runner.feed(
      prefix,
      undefined,
      (position, logits) => {
        if (position === prefix.length - 1) last = logits.slice();
      },
      { lastOnly: true },
    );
    for (const index of members) results[index] = await scoreContinuation(runner, items[index] as ScoreItem, cache, last);
  }
  return results;
}

async function scoreContinuation(runner: Gpt2Runner, item: ScoreItem, cache: KvCache, prefixLogits: Float32Array): Promise<number[]> {
  const targets = item.ids.slice(item.from);
  const logprobs: number[] = [];
  if (targets.length === 0) return logprobs;
  logprobs.push(logprobOf(prefixLogits, targets[0] as number));
  // The last target's own logits predict nothing we score, so it is not fed.
  await runner.feed(targets.slice(0, -1), cache, (position, logits) => {
    const target = item.ids[position + 1] as number;
    logprobs.push(logprobOf(logits, target));
  });
  return logprobs;
}

function logprobOf(logits: Float32Array, id: number): number {
  return (logits[id] as number) - logSumExp(logits);
}
