import type { Gpt2Runner } from "../../src/model/edge/gpt2-runner";

/** How far a variant's next-token logits are from a baseline's along the same token path. */
export interface LogitDrift {
  positions: number;
  max_abs_diff: number;
  mean_abs_diff: number;
  /** Fraction of positions where both pick the same greedy token. */
  top1_agreement: number;
}

/**
 * Feeds `ids` through a runner (teacher forcing: every variant sees the same
 * tokens, so one early disagreement cannot derail the rest) and returns the
 * logits predicting each token from `from` on, one copied row per position.
 *
 * @example
 * const rows = await collectPathLogits(runner, [...promptIds, ...generatedIds], promptIds.length);
 */
export async function collectPathLogits(runner: Gpt2Runner, ids: readonly number[], from: number): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  await runner.feed(ids.slice(0, -1), undefined, (position, logits) => {
    if (position >= from - 1) rows.push(logits.slice());
  });
  return rows;
}

/**
 * Compares two equally long lists of logit rows.
 *
 * @example
 * const drift = measureLogitDrift(fp32Rows, int8Rows); // { max_abs_diff: 0.9, top1_agreement: 0.97, ... }
 */
export function measureLogitDrift(baseline: readonly Float32Array[], variant: readonly Float32Array[]): LogitDrift {
  if (baseline.length !== variant.length) throw new Error(`${baseline.length} baseline rows vs ${variant.length}`);
  let max = 0;
  let sum = 0;
  let count = 0;
  let agreeing = 0;
  baseline.forEach((base, position) => {
    const other = variant[position]!;
    for (let i = 0; i < base.length; i += 1) {
      const diff = Math.abs(base[i]! - other[i]!);
      max = Math.max(max, diff);
      sum += diff;
    }
    count += base.length;
    if (argmax(base) === argmax(other)) agreeing += 1;
  });
  return { positions: baseline.length, max_abs_diff: max, mean_abs_diff: sum / count, top1_agreement: agreeing / baseline.length };
}

/**
 * Standard deviation over all rows' values: the scale a drift should be read against.
 *
 * @example
 * logitStd(fp32Rows); // ~6 for the generated presets
 */
export function logitStd(rows: readonly Float32Array[]): number {
  let sum = 0;
  let squares = 0;
  let count = 0;
  for (const row of rows) {
    for (const value of row) {
      sum += value;
      squares += value * value;
    }
    count += row.length;
  }
  const mean = sum / count;
  return Math.sqrt(squares / count - mean * mean);
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if (values[i]! > values[best]!) best = i;
  return best;
}
