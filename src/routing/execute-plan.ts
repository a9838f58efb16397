import { ApiError } from "../errors/api-error";
import { APICallError } from "../model/api-call-error";
import type { InferenceBackend } from "../model/backend";
import type { CircuitBreakers } from "./circuit-breaker";
import { RetryError, type Attempt } from "./retry-error";

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
 * Runs `work` on the plan's backends in order. A retryable failure
 * (`APICallError.isRetryable`) is retried on the same backend after the
 * server's `Retry-After`, or else a jittered exponential backoff; when the
 * server asks for longer than the deadline leaves, or retries run out, or the
 * failure is not retryable, the next backend takes over. Backends whose
 * circuit is open are skipped. An `ApiError` (the request itself is wrong)
 * stops at once. When nothing answered it throws a `RetryError`.
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
  const errors: APICallError[] = [];
  const deadline = deps.now() + settings.deadlineMs;
  const giveUp = (reason: RetryError["reason"]) => new RetryError(reason, errors, attempts);
  for (const backend of plan) {
    if (!deps.breakers.allows(backend.id, deps.now())) {
      attempts.push({ backend: backend.id, status: "skipped", durationMs: 0, error: "circuit open" });
      continue;
    }
    for (let tryIndex = 0; tryIndex < settings.maxTries; tryIndex += 1) {
      if (deadline - deps.now() <= 0) {
        errors.push(deadlineError(backend.id, settings.deadlineMs));
        throw giveUp("deadlineExceeded");
      }
      const started = deps.now();
      try {
        const result = await work(backend, AbortSignal.timeout(deadline - started));
        deps.breakers.record(backend.id, true, deps.now());
        attempts.push({ backend: backend.id, status: "ok", durationMs: deps.now() - started });
        return { result, backend, attempts };
      } catch (error) {
        if (error instanceof ApiError) throw error;
        // Whatever the backend made of the abort, running out of the request's time is a timeout.
        const outOfTime = deadline - deps.now() <= 0;
        const failure = outOfTime ? deadlineError(backend.id, settings.deadlineMs, error) : toCallError(error, backend.id);
        errors.push(failure);
        attempts.push({ backend: backend.id, status: "error", durationMs: deps.now() - started, error: failure.message });
        if (outOfTime) throw giveUp("deadlineExceeded");
        // Only the backend's own faults count against its circuit: not a rejected request (4xx),
        // a refused model or this request's spent subrequest budget.
        if (failure.isRetryable) deps.breakers.record(backend.id, false, deps.now());
        if (!failure.isRetryable || tryIndex + 1 >= settings.maxTries) break;
        const remaining = deadline - deps.now();
        // A server asking for more time than the request has left is better served by the next backend.
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > remaining) break;
        await deps.sleep(Math.min(waitBeforeRetry(failure, tryIndex, settings, deps.random), remaining));
      }
    }
  }
  const last = errors.at(-1);
  if (!last) throw giveUp("noHealthyBackend");
  throw giveUp(last.isRetryable ? "maxRetriesExceeded" : "errorNotRetryable");
}

/** The server's Retry-After when it gave one, else full jitter: uniform in [0, min(max, base * 2^try)]. */
function waitBeforeRetry(failure: APICallError, tryIndex: number, settings: ExecutionSettings, random: () => number): number {
  if (failure.retryAfterMs !== undefined) return failure.retryAfterMs;
  return random() * Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** tryIndex);
}

function deadlineError(backend: string, deadlineMs: number, cause?: unknown): APICallError {
  return new APICallError({ backend, failure: "timeout", message: `deadline of ${deadlineMs} ms exceeded`, isRetryable: false, cause });
}

/** A backend that throws something other than an APICallError failed in an unplanned way; another try may work. */
function toCallError(error: unknown, backend: string): APICallError {
  if (error instanceof APICallError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new APICallError({ backend, failure: "runtime", message, isRetryable: true, cause: error });
}
