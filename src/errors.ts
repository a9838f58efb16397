import type { ZodError } from "zod";

/** Stable error codes; clients may switch on them. */
export type ErrorType =
  | "invalid_json"
  | "invalid_request"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "unsupported_media_type"
  | "payload_too_large"
  | "input_too_long"
  | "backend_error"
  | "backend_timeout"
  | "backend_unavailable"
  | "config_error"
  | "internal_error";

const STATUS: Record<ErrorType, number> = {
  invalid_json: 400,
  invalid_request: 422,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  unsupported_media_type: 415,
  payload_too_large: 413,
  input_too_long: 422,
  backend_error: 502,
  backend_timeout: 504,
  backend_unavailable: 503,
  config_error: 500,
  internal_error: 500,
};

/**
 * The one error family of the service; `onError` turns it into
 * `{ "error": { "type", "message", "details"? } }` with `status`.
 *
 * @example
 * throw new ApiError("not_found", "unknown task 'dance'", { task: "dance" });
 */
export class ApiError extends Error {
  readonly type: ErrorType;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(type: ErrorType, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "ApiError";
    this.type = type;
    this.status = STATUS[type];
    this.details = details;
  }

  /** The JSON body sent to clients. */
  toBody(): { error: { type: ErrorType; message: string; details?: Record<string, unknown> } } {
    return {
      error: { type: this.type, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

/**
 * A backend that failed or timed out; says which backend and why.
 *
 * @example
 * throw new BackendError("backend_timeout", "gpu", "no answer within 30000 ms");
 */
export class BackendError extends ApiError {
  readonly backend: string;

  constructor(
    type: "backend_error" | "backend_timeout" | "backend_unavailable",
    backend: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(type, `${backend}: ${message}`, { backend, ...details });
    this.name = "BackendError";
    this.backend = backend;
  }
}

/**
 * The first failing path of a zod error, under `prefix`, and a message naming
 * it (`whole` when the value itself failed): the one wording every 422 uses
 * (requests, batch items, batch lines).
 *
 * @example
 * describeFirstIssue(error, ["input"]); // { path: ["input", "text"], message: "input.text: must be a non-empty string" }
 */
export function describeFirstIssue(error: ZodError, prefix: string[] = [], whole = "body"): { path: string[]; message: string } {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path.map(String) ?? [])];
  return { path, message: `${path.length > 0 ? path.join(".") : whole}: ${issue?.message ?? "invalid request"}` };
}
