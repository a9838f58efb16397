import type { APICallError } from "../model/api-call-error";

/** One try of one backend. */
export interface Attempt {
  backend: string;
  status: "ok" | "error" | "skipped";
  durationMs: number;
  error?: string;
}

/** Why the executor gave up, as the Vercel AI SDK's `RetryError` says it. */
export type RetryReason =
  | "maxRetriesExceeded" // the last backend's last failure could have been retried, but tries ran out
  | "errorNotRetryable" // the last failure was one that trying again cannot fix
  | "deadlineExceeded" // the request's own time ran out
  | "noHealthyBackend"; // every backend's circuit was open, nothing was tried

/**
 * Every backend of a plan failed. Carries each failure in order, the last
 * one, and the attempts, so the error handler can pick the status (504 for
 * time, 503 when nothing could serve, else 502) and report the route.
 *
 * @example
 * if (error instanceof RetryError && error.reason === "deadlineExceeded") ...;
 */
export class RetryError extends Error {
  readonly reason: RetryReason;
  readonly errors: APICallError[];
  readonly lastError?: APICallError;
  readonly attempts: Attempt[];

  constructor(reason: RetryReason, errors: APICallError[], attempts: Attempt[]) {
    const lastError = errors.at(-1);
    super(lastError ? `all backends failed; last: ${lastError.message}` : "every backend's circuit is open", { cause: lastError });
    this.name = "RetryError";
    this.reason = reason;
    this.errors = errors;
    this.lastError = lastError;
    this.attempts = attempts;
  }
}
