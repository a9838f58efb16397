import type { ModelLayout } from "../../src/model/edge/model-layout";
import type { MemoryPeaks } from "./peak-memory";
import type { StepTiming } from "./step-timing";

/** One model's line in the benchmark output (times in ms, sizes in MB of 10^6 bytes). */
export interface ModelReport {
  name: string;
  file_mb: number;
  layers: number;
  heads: number;
  d_model: number;
  load_ms: number;
  prefill_32_ms: number;
  ttft_ms: number;
  ms_per_token_at_32: number;
  ms_per_token_at_512: number;
  tokens_per_s: number;
  bare_ms_per_token_at_32: number;
  bare_ms_per_token_at_512: number;
  engine_overhead_pct_at_32: number;
  engine_overhead_pct_at_512: number;
  peak_rss_mb: number;
  /** The "512" position actually used: lower when the model's context is shorter. */
  long_position: number;
  /** Per-token time outside `session.run`: the loops' own work, free of ORT's share of the noise. */
  outside_run_ms: { engine_at_32: number; bare_at_32: number; engine_at_512: number; bare_at_512: number };
  /** Whether the engine and the bare loop chose the same greedy tokens (they should). */
  tokens_match: boolean;
  memory_mb: MemoryPeaks;
}

/** Everything measured for one model, before summarizing. */
export interface ModelMeasurements {
  name: string;
  fileBytes: number;
  layout: ModelLayout;
  loadMs: number;
  prefillMs: number[];
  ttftMs: number[];
  longPosition: number;
  /** Decode cycles pooled over rounds, at the short and the long position. */
  engine: [StepTiming[], StepTiming[]];
  bare: [StepTiming[], StepTiming[]];
  tokensMatch: boolean;
  peakRssMb: number;
  memory: MemoryPeaks;
}

/**
 * Summarizes with medians, not means: the benchmark shares a small machine
 * with other work, and one preempted step would otherwise move a mean by more
 * than the overhead being measured.
 *
 * @example
 * console.log(JSON.stringify(summarizeModel(measurements)));
 */
export function summarizeModel(m: ModelMeasurements): ModelReport {
  const perToken = (steps: readonly StepTiming[]) => median(steps.map((step) => step.totalMs));
  const outsideRun = (steps: readonly StepTiming[]) => round2(median(steps.map((step) => step.totalMs - step.runMs)));
  const [engineShort, engineLong] = m.engine.map(perToken) as [number, number];
  const [bareShort, bareLong] = m.bare.map(perToken) as [number, number];
  return {
    name: m.name,
    file_mb: round1(m.fileBytes / 1e6),
    layers: m.layout.layers,
    heads: m.layout.heads,
    d_model: m.layout.heads * m.layout.headDim,
    load_ms: round2(m.loadMs),
    prefill_32_ms: round2(median(m.prefillMs)),
    ttft_ms: round2(median(m.ttftMs)),
    ms_per_token_at_32: round2(engineShort),
    ms_per_token_at_512: round2(engineLong),
    tokens_per_s: round2(1000 / engineShort),
    bare_ms_per_token_at_32: round2(bareShort),
    bare_ms_per_token_at_512: round2(bareLong),
    engine_overhead_pct_at_32: round2(((engineShort - bareShort) / bareShort) * 100),
    engine_overhead_pct_at_512: round2(((engineLong - bareLong) / bareLong) * 100),
    peak_rss_mb: round1(m.peakRssMb),
    long_position: m.longPosition,
    outside_run_ms: {
      engine_at_32: outsideRun(m.engine[0]),
      bare_at_32: outsideRun(m.bare[0]),
      engine_at_512: outsideRun(m.engine[1]),
      bare_at_512: outsideRun(m.bare[1]),
    },
    tokens_match: m.tokensMatch,
    memory_mb: {
      rss: round1(m.memory.rss),
      heap_total: round1(m.memory.heap_total),
      heap_used: round1(m.memory.heap_used),
      external: round1(m.memory.external),
      array_buffers: round1(m.memory.array_buffers),
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;
