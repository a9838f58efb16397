/** Stable error codes; clients may switch on them. */
export type ErrorType =
  | "invalid_json"
  | "invalid_request"
  | "unauthorized"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "unsupported_media_type"
  | "payload_too_large"
  | "rate_limited"
  | "input_too_long"
  | "backend_error"
  | "backend_timeout"
  | "backend_unavailable"
  | "config_error"
  | "internal_error";

/** The JSON body of every failure. */
export interface ErrorBody {
  /** `param` and `code` as OpenAI's API names them, where a field is at fault. */
  error: { type: ErrorType; message: string; details?: Record<string, unknown>; param?: string; code?: string };
}

/**
 * A failure of the request itself (bad input, unknown id, missing binding),
 * with a stable `type`. It carries no HTTP status: `middleware/handle-error.ts`
 * is the one place that maps errors to statuses.
 *
 * @example
 * throw new ApiError("not_found", "unknown task 'dance'", { task: "dance" });
 */
export class ApiError extends Error {
  readonly type: ErrorType;
  readonly details?: Record<string, unknown>;
  readonly param?: string;
  readonly code?: string;

  constructor(
    type: ErrorType,
    message: string,
    details?: Record<string, unknown>,
    options: { cause?: unknown; param?: string; code?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.type = type;
    this.details = details;
    this.param = options.param;
    this.code = options.code;
  }

  /** The JSON body sent to clients. */
  toBody(): ErrorBody {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
        ...(this.param ? { param: this.param } : {}),
        ...(this.code ? { code: this.code } : {}),
      },
    };
  }
}

/**
 * Turns any thrown value into the status and body a client gets; the error
 * handler provides it, and batches take it so an item's error line says what
 * a direct request would have answered.
 *
 * @example
 * const { status, body } = describeError(error); // 422, { error: { type: "invalid_request", ... } }
 */
export type DescribeError = (error: unknown) => { status: number; body: ErrorBody };
