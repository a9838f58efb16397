/**
 * Samples a Worker isolate's memory over and over while it works, e.g.
 * while its queue consumer runs an async batch. workerd's inspector answers
 * only when the isolate lock is free, which it is whenever the Worker awaits
 * I/O (R2, the queue, its backend), so samples land between the Worker's
 * turns, and the Worker waits while one is taken. Two kinds:
 * - light (every `intervalMs`): `Runtime.getHeapUsage` only; no GC, so its
 *   used size includes garbage not yet collected (an upper bound on live JS).
 * - full (every `fullEveryMs`): isolate-memory.ts's measure, wasm memory +
 *   JS heap + ArrayBuffers after the forced GC of `Runtime.queryObjects`
 *   (live memory); two GCs and two heap walks, so it stalls the Worker.
 * Samples are tagged with the phase the caller names when they complete.
 */
import { connectIsolateInspector, findInspectorUrl, type IsolateMemory } from "./isolate-memory";

const MIB = 1024 * 1024;

/** One kind of sample: how many, how many failed, the slowest, and the peak per phase (MiB). */
export interface SampleSeries {
  samples: number;
  failed_samples: number;
  first_error?: string;
  /** ms, including the inspector's wait for the isolate lock. */
  slowest_sample_ms: number;
  peak_mib_by_phase: Record<string, number>;
}

/** What `stop` reports. */
export interface MemorySummary {
  interval_ms: number;
  full_every_ms: number;
  light: SampleSeries & { peak_used_bytes: number; peak_total_bytes: number };
  full: SampleSeries & {
    /** The sample with the largest isolate total (wasm + JS heap used + ArrayBuffers), with its parts. */
    peak?: IsolateMemory & { isolate_mib: number; phase: string };
    /** The largest value of each part over all full samples (they need not peak together). */
    max_parts?: Omit<IsolateMemory, "isolate_bytes">;
    /** Every full sample as [seconds since sampling began, isolate MiB, phase]. */
    timeline: Array<[number, number, string]>;
  };
}

/** A running sampler. */
export interface IsolateSampler {
  /** Tags the samples from now on. */
  setPhase(phase: string): void;
  /** Ends sampling (after the sample in flight) and summarizes; later calls return the same summary. */
  stop(): Promise<MemorySummary>;
}

const emptySeries = (): SampleSeries => ({ samples: 0, failed_samples: 0, slowest_sample_ms: 0, peak_mib_by_phase: {} });

/**
 * Connects to the Worker's inspector on wrangler's `inspectorPort` and
 * samples until stopped: light every `intervalMs`, full every `fullEveryMs`
 * (0: never), the first sample full.
 *
 * @example
 * const sampler = await startIsolateSampler(stack.inspectorPort, 500, 5000);
 * sampler.setPhase("in_progress"); await job(); const summary = await sampler.stop();
 */
export async function startIsolateSampler(inspectorPort: number, intervalMs: number, fullEveryMs: number): Promise<IsolateSampler> {
  const inspector = await connectIsolateInspector(await findInspectorUrl(inspectorPort), 30_000);
  const summary: MemorySummary = {
    interval_ms: intervalMs,
    full_every_ms: fullEveryMs,
    light: { ...emptySeries(), peak_used_bytes: 0, peak_total_bytes: 0 },
    full: { ...emptySeries(), timeline: [] },
  };
  const began = performance.now();
  let phase = "idle";
  let running = true;
  let stopped: Promise<MemorySummary> | undefined;
  let wake: (() => void) | undefined;

  const take = async (series: SampleSeries, sample: () => Promise<number>) => {
    const started = performance.now();
    try {
      const bytes = await sample();
      series.samples += 1;
      series.peak_mib_by_phase[phase] = Math.max(series.peak_mib_by_phase[phase] ?? 0, mib(bytes));
    } catch (error) {
      series.failed_samples += 1;
      series.first_error ??= `${phase}: ${error instanceof Error ? error.message : String(error)}`;
    }
    series.slowest_sample_ms = Math.max(series.slowest_sample_ms, Math.round(performance.now() - started));
  };
  const light = async () => {
    const heap = await inspector.heapUsage();
    summary.light.peak_used_bytes = Math.max(summary.light.peak_used_bytes, heap.usedSize);
    summary.light.peak_total_bytes = Math.max(summary.light.peak_total_bytes, heap.totalSize);
    return heap.usedSize;
  };
  const full = async () => {
    const memory = await inspector.measure();
    const { peak } = summary.full;
    if (!peak || memory.isolate_bytes > peak.isolate_bytes)
      summary.full.peak = { ...memory, isolate_mib: mib(memory.isolate_bytes), phase };
    const parts = summary.full.max_parts ?? { wasm_memory_bytes: 0, js_heap_used_bytes: 0, js_heap_total_bytes: 0, array_buffer_bytes: 0 };
    for (const key of Object.keys(parts) as Array<keyof typeof parts>) parts[key] = Math.max(parts[key], memory[key]);
    summary.full.max_parts = parts;
    summary.full.timeline.push([Math.round((performance.now() - began) / 100) / 10, mib(memory.isolate_bytes), phase]);
    return memory.isolate_bytes;
  };

  const loop = (async () => {
    let lastFull = Number.NEGATIVE_INFINITY;
    while (running) {
      const started = performance.now();
      if (fullEveryMs > 0 && started - lastFull >= fullEveryMs) {
        lastFull = started;
        await take(summary.full, full);
      } else {
        await take(summary.light, light);
      }
      const pause = Math.max(0, intervalMs - (performance.now() - started));
      if (running) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, pause);
        });
      }
    }
  })();

  return {
    setPhase(next) {
      phase = next;
    },
    stop() {
      stopped ??= (async () => {
        running = false;
        wake?.();
        await loop;
        await inspector.close();
        return summary;
      })();
      return stopped;
    },
  };
}

/**
 * Bytes to MiB, one decimal.
 *
 * @example
 * mib(12_138_461); // 11.6
 */
export function mib(bytes: number): number {
  return Math.round((bytes / MIB) * 10) / 10;
}
