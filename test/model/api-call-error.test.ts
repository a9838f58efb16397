import { describe, expect, it } from "vitest";
import { APICallError, parseRetryAfter } from "../../src/model/api-call-error";

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-12-01T10:00:00Z");

  it.each<[string | null, number | undefined]>([
    ["2", 2000],
    ["0.5", 500],
    ["Tue, 01 Dec 2026 10:00:03 GMT", 3000],
    ["Tue, 01 Dec 2026 09:59:00 GMT", 0],
    ["-1", undefined],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
  ])("reads %j as %j ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe("APICallError", () => {
  it("names its backend in the message and keeps the cause", () => {
    const cause = new Error("ECONNRESET");
    const error = new APICallError({ backend: "gpu:a", failure: "network", message: "connection failed", isRetryable: true, cause });
    expect(error.message).toBe("gpu:a: connection failed");
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });
});
