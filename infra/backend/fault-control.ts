import { createSeededRandom } from "../model/seeded-random";

/**
 * Server-wide fault injection for the stub backend, set over HTTP
 * (`POST /__stub/faults`), so a test can make a whole server misbehave
 * without putting markers in prompts. Free of Node APIs: tests inside
 * workerd import its types.
 */

/** How a faulted request misbehaves; see faults.ts for each. */
export type ServerFault = "500" | "429" | "hang" | "reset" | "malformed" | "cut-stream";

/** What `POST /__stub/faults` accepts. */
export interface FaultConfig {
  mode: "none" | ServerFault;
  /** Share of requests that fail, 0..1; default 1. */
  rate?: number;
  /** Apply to the next `count` completions requests only; default: until cleared. */
  count?: number;
  /** Makes the choice of failing requests repeatable; default Math.random. */
  seed?: number;
}

/** What `GET /__stub/stats` answers; counts restart when faults are set. */
export interface FaultStats {
  requests: number;
  faulted: number;
  /** Injected faults by kind, markers included. */
  by_mode: Record<string, number>;
}

/** The fault state of one server. */
export interface FaultControl {
  configure(config: FaultConfig): void;
  /** Back to mode "none"; the stats stay. */
  clear(): void;
  /** Counts one completions request and says which server-wide fault, if any, hits it. */
  nextRequest(): ServerFault | undefined;
  /** Counts a fault actually injected, by marker or by mode. */
  recordFault(kind: string): void;
  stats(): FaultStats;
  /** False while every request would hang or fail with 500, so `/health` can say so. */
  healthy(): boolean;
}

const MODES: ReadonlyArray<FaultConfig["mode"]> = ["none", "500", "429", "hang", "reset", "malformed", "cut-stream"];

/**
 * Checks a JSON body; throws an Error naming the bad field.
 *
 * @example
 * parseFaultConfig({ mode: "500", rate: 0.5, seed: 7 }); // { mode: "500", rate: 0.5, seed: 7 }
 */
export function parseFaultConfig(body: unknown): FaultConfig {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("body must be a JSON object");
  const { mode, rate, count, seed } = body as Record<string, unknown>;
  if (!MODES.includes(mode as FaultConfig["mode"])) throw new Error(`mode must be one of ${MODES.join(", ")}`);
  if (rate !== undefined && (typeof rate !== "number" || !(rate >= 0 && rate <= 1))) throw new Error("rate must be a number in [0, 1]");
  if (count !== undefined && (!Number.isInteger(count) || (count as number) < 0)) throw new Error("count must be a non-negative integer");
  if (seed !== undefined && (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > 0xffffffff)) {
    throw new Error("seed must be an integer in [0, 2^32)");
  }
  return {
    mode: mode as FaultConfig["mode"],
    ...(rate !== undefined ? { rate: rate as number } : {}),
    ...(count !== undefined ? { count: count as number } : {}),
    ...(seed !== undefined ? { seed: seed as number } : {}),
  };
}

/**
 * Creates the state of a server with no faults set.
 *
 * @example
 * const faults = createFaultControl();
 * faults.configure({ mode: "429", count: 2 });
 * faults.nextRequest(); // "429"
 */
export function createFaultControl(): FaultControl {
  let config: FaultConfig = { mode: "none" };
  let remaining: number | undefined;
  let draw: () => number = Math.random;
  let stats: FaultStats = { requests: 0, faulted: 0, by_mode: {} };
  const active = (): boolean => config.mode !== "none" && (remaining === undefined || remaining > 0);
  return {
    configure(next) {
      config = next;
      remaining = next.count;
      draw = next.seed === undefined ? Math.random : createSeededRandom(next.seed).nextUniform;
      stats = { requests: 0, faulted: 0, by_mode: {} };
    },
    clear() {
      config = { mode: "none" };
      remaining = undefined;
    },
    nextRequest() {
      stats.requests += 1;
      const { mode } = config;
      if (mode === "none" || !active()) return undefined;
      if (remaining !== undefined) remaining -= 1;
      // One draw per request, whatever the outcome, so a seed fixes which requests fail.
      return draw() < (config.rate ?? 1) ? mode : undefined;
    },
    recordFault(kind) {
      stats.faulted += 1;
      stats.by_mode[kind] = (stats.by_mode[kind] ?? 0) + 1;
    },
    stats: () => ({ ...stats, by_mode: { ...stats.by_mode } }),
    healthy: () => !(active() && (config.mode === "hang" || config.mode === "500") && (config.rate ?? 1) >= 1),
  };
}
