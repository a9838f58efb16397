import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError, type DescribeError, type ErrorBody, type ErrorType } from "../errors/api-error";
import { APICallError } from "../model/api-call-error";
import { RetryError } from "../routing/retry-error";

const STATUS: Record<ErrorType, number> = {
  invalid_json: 400,
  invalid_request: 422,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  unsupported_media_type: 415,
  payload_too_large: 413,
  rate_limited: 429,
  input_too_long: 422,
  backend_error: 502,
  backend_timeout: 504,
  backend_unavailable: 503,
  config_error: 500,
  internal_error: 500,
};

/**
 * The one place errors become responses: `ApiError`s keep their type;
 * a `RetryError` (every backend failed) is a 504 when time ran out, a 503
 * when nothing could serve, else a 502, listing the attempts; Hono's own
 * exceptions (malformed JSON is a 400 there) are mapped; anything else is
 * logged and reported as a 500 without internals. A 401 says how to
 * authenticate, a 405 what the path takes and a 429 when to come back, in
 * the headers clients read.
 *
 * @example
 * app.onError(handleError);
 */
export function handleError(error: Error, c: Context): Response {
  const { status, body } = describeError(error);
  return c.json(body, status as ContentfulStatusCode, describeHeaders(body));
}

/**
 * The status and body a thrown value answers with; batches use it for their
 * per-item error lines.
 *
 * @example
 * describeError(new ApiError("not_found", "no batch 'x'")); // { status: 404, body: { error: { type: "not_found", ... } } }
 */
export const describeError: DescribeError = (error) => {
  const apiError = toApiError(error);
  if (apiError.type === "internal_error") console.error("unhandled error", error);
  return { status: STATUS[apiError.type], body: apiError.toBody() };
};

/**
 * RFC 6750's challenge on a 401; on a 405 the methods the path takes (`details.allow`), as RFC 9110
 * requires; on a 429 the seconds the rate limiter put in `details.retry_after_seconds`.
 */
function describeHeaders({ error }: ErrorBody): Record<string, string> {
  if (error.type === "unauthorized") return { "WWW-Authenticate": "Bearer" };
  const allow = error.details?.allow;
  if (error.type === "method_not_allowed" && Array.isArray(allow)) return { Allow: allow.join(", ") };
  const retryAfter = error.details?.retry_after_seconds;
  if (error.type === "rate_limited" && typeof retryAfter === "number") return { "Retry-After": String(retryAfter) };
  return {};
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof RetryError) {
    const attempts = error.attempts.map(({ durationMs, ...attempt }) => ({ ...attempt, duration_ms: durationMs }));
    return new ApiError(backendErrorType(error.reason === "deadlineExceeded" ? "timeout" : error.lastError), error.message, { attempts });
  }
  if (error instanceof APICallError)
    return new ApiError(backendErrorType(error), error.message, { backend: error.backend, ...error.details });
  if (error instanceof HTTPException) {
    if (error.status === 400) return new ApiError("invalid_json", `malformed JSON body: ${error.message}`);
    if (error.status === 413) return new ApiError("payload_too_large", error.message);
    if (error.status === 404) return new ApiError("not_found", error.message);
    if (error.status === 415) {
      return new ApiError("unsupported_media_type", "send the body as JSON with content-type: application/json");
    }
    if (error.status < 500) return new ApiError("invalid_request", error.message || `HTTP ${error.status}`);
  }
  return new ApiError("internal_error", "internal error");
}

/** No failure at all means no backend was even tried: nothing could serve. */
function backendErrorType(failure: APICallError | "timeout" | undefined): ErrorType {
  const kind = failure instanceof APICallError ? failure.failure : failure;
  if (kind === "timeout") return "backend_timeout";
  if (kind === "unavailable" || kind === undefined) return "backend_unavailable";
  return "backend_error";
}
