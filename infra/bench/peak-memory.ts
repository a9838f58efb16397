import { readFileSync } from "node:fs";

/** Peaks of `process.memoryUsage()` fields, in MB (10^6 bytes). */
export interface MemoryPeaks {
  rss: number;
  heap_total: number;
  heap_used: number;
  external: number;
  array_buffers: number;
}

/** Tracks memory peaks across a benchmark run. */
export interface MemoryTracker {
  /** Records `process.memoryUsage()` now; call it between timed phases, never inside one. */
  sample(): void;
  /** The sampled peaks, per field. */
  peaks(): MemoryPeaks;
  /** The process's resident-set high-water mark in MB, as the OS counts it. */
  peakRssMb(): number;
}

const MB = 1e6;

/**
 * Samples rather than polls: ORT's wasm backend runs on the main thread, so a
 * timer would not fire during `session.run` and would only add jitter between
 * steps. The true RSS peak comes from the OS, which also sees what happens
 * inside a run; wasm memory never shrinks, so boundary samples catch its growth.
 *
 * @example
 * const memory = createMemoryTracker();
 * await work(); memory.sample();
 * console.log(memory.peakRssMb(), memory.peaks().array_buffers);
 */
export function createMemoryTracker(): MemoryTracker {
  const peaks: MemoryPeaks = { rss: 0, heap_total: 0, heap_used: 0, external: 0, array_buffers: 0 };
  return {
    sample() {
      const usage = process.memoryUsage();
      peaks.rss = Math.max(peaks.rss, usage.rss / MB);
      peaks.heap_total = Math.max(peaks.heap_total, usage.heapTotal / MB);
      peaks.heap_used = Math.max(peaks.heap_used, usage.heapUsed / MB);
      peaks.external = Math.max(peaks.external, usage.external / MB);
      peaks.array_buffers = Math.max(peaks.array_buffers, usage.arrayBuffers / MB);
    },
    peaks: () => ({ ...peaks }),
    peakRssMb: () => Math.max(peaks.rss, highWaterMarkBytes() / MB),
  };
}

/**
 * Linux's VmHWM belongs to this address space alone; `ru_maxrss`, the portable
 * fallback, survives exec, so a child would report its parent's peak at fork.
 */
function highWaterMarkBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}
