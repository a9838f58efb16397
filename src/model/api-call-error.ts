/**
 * What went wrong with one backend call. `timeout` and `unavailable` decide
 * the HTTP status a client finally sees (504, 503); the rest are a 502.
 */
export type CallFailure =
  | "timeout" // no complete answer within the backend's or the request's time
  | "network" // connect refused or reset
  | "http" // the server answered an error status
  | "malformed" // the answer is not the expected shape
  | "stream" // a stream was cut off, carried an error event or ended early
  | "cancelled" // the caller went away
  | "unavailable" // the backend cannot serve at all (model over its memory budget, subrequests spent)
  | "runtime"; // the in-Worker model failed while running

/** Everything known about one failed call; only `backend`, `failure`, `message` and `isRetryable` are always there. */
export interface APICallErrorInit {
  backend: string;
  failure: CallFailure;
  message: string;
  isRetryable: boolean;
  url?: string;
  statusCode?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  /** From the server's `Retry-After`, when it sent one. */
  retryAfterMs?: number;
  /** Facts for the client, e.g. `partial_text_chars` of a cut stream or the memory figures of a refusal. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A failed call to an inference backend, in the shape of the Vercel AI SDK's
 * `APICallError`: the executor reads `isRetryable` and `retryAfterMs`, and
 * nothing here knows about the router's own HTTP statuses.
 *
 * @example
 * throw new APICallError({ backend: "gpu", failure: "http", message: "HTTP 503: overloaded", statusCode: 503, isRetryable: true });
 */
export class APICallError extends Error {
  readonly backend: string;
  readonly failure: CallFailure;
  readonly isRetryable: boolean;
  readonly url?: string;
  readonly statusCode?: number;
  readonly responseHeaders?: Record<string, string>;
  readonly responseBody?: string;
  readonly retryAfterMs?: number;
  readonly details?: Record<string, unknown>;

  constructor(init: APICallErrorInit) {
    super(`${init.backend}: ${init.message}`, { cause: init.cause });
    this.name = "APICallError";
    this.backend = init.backend;
    this.failure = init.failure;
    this.isRetryable = init.isRetryable;
    this.url = init.url;
    this.statusCode = init.statusCode;
    this.responseHeaders = init.responseHeaders;
    this.responseBody = init.responseBody;
    this.retryAfterMs = init.retryAfterMs;
    this.details = init.details;
  }
}

/**
 * `Retry-After` in milliseconds: delay-seconds or an HTTP date; undefined
 * when absent or unreadable.
 *
 * @example
 * parseRetryAfter("2", Date.now()); // 2000
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
