/** Finding wrangler's workerd processes and sampling their memory from /proc (Linux). */
import { readdirSync, readFileSync } from "node:fs";

/** How often workerd's memory is read. */
const SAMPLE_MS = 50;
const MB = 1e6;

/**
 * workerd processes descending from this one, found by walking /proc's parent links;
 * `started` in clock ticks since boot.
 *
 * @example
 * const [newest] = workerdPids().sort((a, b) => b.started - a.started);
 */
export function workerdPids(): Array<{ pid: number; started: number }> {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  const starts = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // comm may hold spaces or parentheses, so fields are read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      names.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close));
      const fields = stat.slice(close + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
      starts.set(Number(entry), Number(fields[19]));
    } catch {
      // The process exited while we listed it.
    }
  }
  const descends = (pid: number): boolean => {
    for (let current = parents.get(pid); current !== undefined && current > 1; current = parents.get(current)) {
      if (current === process.pid) return true;
    }
    return false;
  };
  return [...names]
    .filter(([pid, name]) => name.startsWith("workerd") && descends(pid))
    .map(([pid]) => ({ pid, started: starts.get(pid) ?? 0 }));
}

export interface RssSampler {
  /** VmRSS now, MB. */
  current(): number;
  /** The peak so far (VmHWM and every sample), MB; sampling goes on. */
  peak(): number;
  /** Stops sampling; the peak of VmHWM and every VmRSS sample, MB. */
  stop(): number;
}

/**
 * Samples a process's VmRSS every 50 ms and keeps the peak (with VmHWM);
 * workerd runs the model in its own process, so this timer keeps firing
 * during inference.
 *
 * @example
 * const sampler = sampleRss(pid); ...; const peakMb = sampler.stop();
 */
export function sampleRss(pid: number): RssSampler {
  let peak = 0;
  const read = (): { rss: number; hwm: number } => {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => (Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(status)?.[1] ?? Number.NaN) * 1024) / MB;
    return { rss: field("VmRSS"), hwm: field("VmHWM") };
  };
  const sample = (): number => {
    const { rss, hwm } = read();
    // A status read that races workerd's exit yields NaN, which would poison the max.
    peak = Math.max(peak, ...[rss, hwm].filter(Number.isFinite));
    return rss;
  };
  const timer = setInterval(() => {
    try {
      sample();
    } catch {
      // workerd died; the request that killed it reports the error.
    }
  }, SAMPLE_MS);
  let stopped = false;
  return {
    current: sample,
    peak() {
      if (!stopped) sample();
      return peak;
    },
    stop() {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        try {
          sample();
        } catch {
          // Already gone: keep the last peak.
        }
      }
      return peak;
    },
  };
}
