import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors/api-error";
import { describeError } from "../../src/middleware/handle-error";
import { APICallError, type CallFailure } from "../../src/model/api-call-error";
import { RetryError, type Attempt } from "../../src/routing/retry-error";

const callError = (failure: CallFailure) => new APICallError({ backend: "gpu", failure, message: failure, isRetryable: true });
const attempts: Attempt[] = [{ backend: "gpu", status: "error", durationMs: 12, error: "gpu: http" }];

describe("describeError: the one mapping from errors to HTTP", () => {
  it("keeps an ApiError's type and picks its status", () => {
    expect(describeError(new ApiError("not_found", "no batch 'x'", { id: "x" }))).toEqual({
      status: 404,
      body: { error: { type: "not_found", message: "no batch 'x'", details: { id: "x" } } },
    });
    expect(describeError(new ApiError("payload_too_large", "too big")).status).toBe(413);
  });

  it.each<[string, RetryError, number, string]>([
    ["a failing server", new RetryError("maxRetriesExceeded", [callError("http")], attempts), 502, "backend_error"],
    ["a cut stream", new RetryError("maxRetriesExceeded", [callError("stream")], attempts), 502, "backend_error"],
    ["a backend timeout", new RetryError("maxRetriesExceeded", [callError("timeout")], attempts), 504, "backend_timeout"],
    ["the request's deadline", new RetryError("deadlineExceeded", [callError("http")], attempts), 504, "backend_timeout"],
    ["a refused model", new RetryError("errorNotRetryable", [callError("unavailable")], attempts), 503, "backend_unavailable"],
    ["every circuit open", new RetryError("noHealthyBackend", [], attempts), 503, "backend_unavailable"],
  ])("answers %s with %i and the attempts on the wire", (_name, error, status, type) => {
    const reply = describeError(error);
    expect(reply.status).toBe(status);
    expect(reply.body.error.type).toBe(type);
    expect(reply.body.error.details).toEqual({ attempts: [{ backend: "gpu", status: "error", duration_ms: 12, error: "gpu: http" }] });
  });

  it("maps Hono's exceptions and hides anything else behind a 500", () => {
    expect(describeError(new HTTPException(400, { message: "Unexpected token" })).body.error.type).toBe("invalid_json");
    const hidden = describeError(new TypeError("secret internals"));
    expect(hidden).toEqual({ status: 500, body: { error: { type: "internal_error", message: "internal error" } } });
  });
});
