import { ApiError, BackendError } from "../errors";
import type { InferenceBackend } from "../model/backend";
import type { CircuitBreakers } from "./circuit-breaker";

/** One try of one backend, as reported in `route.attempts`. */
export interface Attempt {
  backend: string;
  status: "ok" | "error" | "skipped";
  duration_ms: number;
  error?: string;
}

/** Retry and deadline settings (wrangler.toml vars, the client's deadline). */
export interface ExecutionSettings {
  /** Tries per backend for retryable failures (1 = no retry). */
  maxTries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Overall budget for the whole plan, retries and fallbacks included. */
  deadlineMs: number;
}

/** What the executor needs from the world; injected so tests control time. */
export interface ExecutionDeps {
  breakers: CircuitBreakers;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** The first backend that answered, and every attempt on the way. */
export interface Execution<T> {
  result: T;
  backend: InferenceBackend;
  attempts: Attempt[];
}

/**
 * Runs `work` on the plan's backends in order: retries a backend with
 * jittered exponential backoff on retryable failures (timeouts, connection
 * errors, cut streams, 429/5xx, malformed answers; never other 4xx), falls
 * back to the next backend otherwise or when retries run out, skips backends
 * whose circuit is open, and stops at the overall deadline. When every
 * backend failed it throws a 502 (504 if time ran out or the last failure
 * was a timeout) listing the attempts.
 *
 * @example
 * const { result, attempts } = await executePlan(backends, (b, signal) => b.generate(p, d, signal), settings, deps);
 */
export async function executePlan<T>(
  plan: InferenceBackend[],
  work: (backend: InferenceBackend, signal: AbortSignal) => Promise<T>,
  settings: ExecutionSettings,
  deps: ExecutionDeps,
): Promise<Execution<T>> {
  const attempts: Attempt[] = [];
  const deadline = deps.now() + settings.deadlineMs;
  let last: ApiError | undefined;
  for (const backend of plan) {
    if (!deps.breakers.allows(backend.id, deps.now())) {
      attempts.push({ backend: backend.id, status: "skipped", duration_ms: 0, error: "circuit open" });
      continue;
    }
    for (let tryIndex = 0; tryIndex < settings.maxTries; tryIndex += 1) {
      const remaining = deadline - deps.now();
      if (remaining <= 0) {
        throw exhausted(attempts, new BackendError("backend_timeout", backend.id, `deadline of ${settings.deadlineMs} ms exceeded`));
      }
      const started = deps.now();
      try {
        const result = await work(backend, AbortSignal.timeout(remaining));
        deps.breakers.record(backend.id, true, deps.now());
        attempts.push({ backend: backend.id, status: "ok", duration_ms: deps.now() - started });
        return { result, backend, attempts };
      } catch (error) {
        // Whatever the backend made of the abort, running out of the request's time is a timeout.
        const outOfTime = deadline - deps.now() <= 0;
        const failure = outOfTime
          ? new BackendError("backend_timeout", backend.id, `deadline of ${settings.deadlineMs} ms exceeded`)
          : toApiError(error, backend.id);
        last = failure;
        attempts.push({ backend: backend.id, status: "error", duration_ms: deps.now() - started, error: failure.message });
        if (!(failure instanceof BackendError)) throw failure;
        // Only the backend's own faults count against its circuit: not the client's deadline, a
        // rejected request (4xx), a refused model or this request's spent subrequest budget.
        if (!outOfTime && isRetryable(failure)) deps.breakers.record(backend.id, false, deps.now());
        if (!isRetryable(failure) || tryIndex + 1 >= settings.maxTries) break;
        await deps.sleep(Math.min(backoffMs(tryIndex, settings, deps.random), Math.max(0, deadline - deps.now())));
      }
    }
  }
  throw exhausted(attempts, last);
}

/** Full jitter: uniform in [0, min(max, base * 2^try)]. */
function backoffMs(tryIndex: number, settings: ExecutionSettings, random: () => number): number {
  return random() * Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** tryIndex);
}

function isRetryable(error: BackendError): boolean {
  if (error.type === "backend_timeout") return true;
  if (error.type === "backend_unavailable") return false;
  const flag = error.details?.retryable;
  if (typeof flag === "boolean") return flag;
  const status = error.details?.upstream_status;
  return typeof status !== "number" || status === 429 || status >= 500;
}

function toApiError(error: unknown, backend: string): ApiError {
  if (error instanceof ApiError) return error;
  return new BackendError("backend_error", backend, (error as Error).message ?? String(error), { retryable: true });
}

/** 504 when the last failure was a timeout, 503 when nothing could serve, else 502; always with the attempts. */
function exhausted(attempts: Attempt[], last: ApiError | undefined): ApiError {
  if (!last) return new ApiError("backend_unavailable", "every backend's circuit is open", { attempts });
  const type = last.type === "backend_timeout" || last.type === "backend_unavailable" ? last.type : "backend_error";
  return new ApiError(type, `all backends failed; last: ${last.message}`, { attempts });
}
