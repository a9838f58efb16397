import { describe, expect, it } from "vitest";
import { describeError } from "../../src/middleware/handle-error";
import { ApiError } from "../../src/errors/api-error";
import { compareDigests } from "../../src/middleware/require-key";
import { callWithHeaders, createTestKey } from "../support/call-with-headers";
import { uniqueMarker } from "../support/stub-control";

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe("compareDigests", () => {
  it("says equal only for the same bytes, and unequal for different lengths", () => {
    const digest = Uint8Array.from({ length: 32 }, (_, index) => index);
    expect(compareDigests(digest, digest.slice())).toBe(true);
    const flipped = digest.slice();
    flipped[31] = 0;
    expect(compareDigests(digest, flipped)).toBe(false);
    expect(compareDigests(digest, digest.subarray(0, 31))).toBe(false);
    expect(compareDigests(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});

describe("requireKey: API_KEYS guards /v1", () => {
  it("answers a request without a key with a 401 in the error shape and a Bearer challenge", async () => {
    const { digest } = await createTestKey();
    const reply = await callWithHeaders({ API_KEYS: digest }, "/v1/tasks");
    expect(reply.status).toBe(401);
    expect(reply.headers.get("www-authenticate")).toBe("Bearer");
    expect(reply.body).toEqual({ error: { type: "unauthorized", message: expect.stringContaining("Authorization: Bearer") } });
  });

  it.each([
    ["a wrong key", (key: string) => `Bearer ${key}x`],
    ["another scheme", (key: string) => `Basic ${key}`],
    ["an empty token", () => "Bearer "],
  ])("refuses %s with a 401 that does not echo it", async (_name, header) => {
    const { key, digest } = await createTestKey();
    const reply = await callWithHeaders({ API_KEYS: digest }, "/v1/tasks", { headers: { authorization: header(key) } });
    expect(reply.status).toBe(401);
    expect(reply.headers.get("www-authenticate")).toBe("Bearer");
    expect(reply.body.error.type).toBe("unauthorized");
    expect(JSON.stringify(reply.body)).not.toContain(key);
  });

  it("lets a listed key through to a task, whichever entry of API_KEYS it matches", async () => {
    const first = await createTestKey();
    const second = await createTestKey();
    const keys = `${first.digest}, ${second.digest.toUpperCase()}`;
    const reply = await callWithHeaders({ API_KEYS: keys }, "/v1/tasks/answer", {
      body: { question: `${uniqueMarker("key")} who?`, options: { backend: "gpu" } },
      headers: bearer(second.key),
    });
    expect(reply.status).toBe(200);
    expect(typeof reply.body.output.answer).toBe("string");
    expect((await callWithHeaders({ API_KEYS: keys }, "/v1/tasks", { headers: { authorization: `bearer ${first.key}` } })).status).toBe(
      200,
    );
  });

  it("leaves /health and /openapi.json open, and /v1 open without API_KEYS", async () => {
    const { digest } = await createTestKey();
    expect((await callWithHeaders({ API_KEYS: digest }, "/health")).status).toBe(200);
    expect((await callWithHeaders({ API_KEYS: digest }, "/openapi.json")).status).toBe(200);
    expect((await callWithHeaders({ API_KEYS: "" }, "/v1/tasks")).status).toBe(200);
    expect((await callWithHeaders({}, "/v1/tasks")).status).toBe(200);
  });

  it("reports an API_KEYS entry that is not a digest as a config_error without quoting it", async () => {
    const { key, digest } = await createTestKey();
    const reply = await callWithHeaders({ API_KEYS: `${digest},${key}` }, "/v1/tasks", { headers: bearer(key) });
    expect(reply.status).toBe(500);
    expect(reply.body.error).toMatchObject({ type: "config_error", message: expect.stringContaining("API_KEYS: entry 2") });
    expect(JSON.stringify(reply.body)).not.toContain(key);
    expect((await callWithHeaders({ API_KEYS: " , " }, "/v1/tasks")).body.error.type).toBe("config_error");
  });

  it("maps unauthorized to 401 and rate_limited to 429", () => {
    expect(describeError(new ApiError("unauthorized", "invalid API key")).status).toBe(401);
    expect(describeError(new ApiError("rate_limited", "slow down", { retry_after_seconds: 60 })).status).toBe(429);
  });
});
