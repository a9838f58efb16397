/**
 * Errors in vLLM's OpenAI-compatible format:
 * `{ "error": { "message", "type", "param", "code" } }` with `code` equal to
 * the HTTP status.
 */

/** The `type` names vLLM derives from the HTTP status. */
export type ApiErrorType = "BadRequestError" | "NotFoundError" | "RateLimitError" | "InternalServerError";

const TYPE_BY_STATUS: Record<number, ApiErrorType> = {
  400: "BadRequestError",
  404: "NotFoundError",
  429: "RateLimitError",
  500: "InternalServerError",
};

/** vLLM's error body. */
export interface ApiErrorBody {
  error: { message: string; type: ApiErrorType; param: string | null; code: number };
}

/**
 * A request the server refuses; `server.ts` turns it into the error body.
 *
 * @example
 * throw new ApiError(400, "max_tokens must be at least 1, got 0.", "max_tokens");
 */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404 | 429 | 500,
    message: string,
    /** The request field at fault, where vLLM names one. */
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toBody(): ApiErrorBody {
    return formatApiError(this.status, this.message, this.param);
  }
}

/**
 * Builds an error body for any status vLLM answers with.
 *
 * @example
 * formatApiError(404, "The model `gpt3` does not exist.", "model");
 * // { error: { message: "The model `gpt3` does not exist.", type: "NotFoundError", param: "model", code: 404 } }
 */
export function formatApiError(status: number, message: string, param: string | null = null): ApiErrorBody {
  const type = TYPE_BY_STATUS[status] ?? "InternalServerError";
  return { error: { message, type, param, code: status } };
}
