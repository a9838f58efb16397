/** Latency figures for the benches: nearest-rank percentiles and their differences, in ms rounded to µs. */

/** p50, p90 and p99 of one kind of request, ms. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/**
 * Nearest-rank percentiles of `samples` (ms), rounded to µs.
 *
 * @example
 * percentiles([1, 2, 3, 4]); // { p50: 2, p90: 4, p99: 4 }
 */
export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN);
  return { p50: at(50), p90: at(90), p99: at(99) };
}

/**
 * `a - b - c` at each percentile: what a request adds over two others. Only
 * p50 is a stable figure; differences of tails can go negative.
 *
 * @example
 * subtract({ p50: 5, p90: 9, p99: 12 }, { p50: 3, p90: 5, p99: 8 }, { p50: 1, p90: 2, p99: 3 }); // { p50: 1, p90: 2, p99: 1 }
 */
export function subtract(a: Percentiles, b: Percentiles, c: Percentiles): Percentiles {
  const at = (p: keyof Percentiles) => round(a[p] - b[p] - c[p]);
  return { p50: at("p50"), p90: at("p90"), p99: at("p99") };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
