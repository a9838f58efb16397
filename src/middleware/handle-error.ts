import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "../errors";

/**
 * The one place errors become responses: `ApiError`s keep their type and
 * status; Hono's own exceptions (malformed JSON is a 400 there) are mapped;
 * anything else is logged and reported as a 500 without internals.
 *
 * @example
 * app.onError(handleError);
 */
export function handleError(error: Error, c: Context): Response {
  const apiError = toApiError(error);
  if (apiError.status >= 500 && !(error instanceof ApiError)) console.error("unhandled error", error);
  return c.json(apiError.toBody(), apiError.status as ContentfulStatusCode);
}

function toApiError(error: Error): ApiError {
  if (error instanceof ApiError) return error;
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
