import { beforeEach, describe, expect, it } from "vitest";
import { callWithHeaders, createTestKey, testEnv, waitForRoomInWindow } from "../support/call-with-headers";
import { uniqueMarker } from "../support/stub-control";

// vitest.config.ts's TEST_RATE_LIMITER: a real miniflare limiter allowing 3 per 60 s.
const LIMIT = 3;
const limited = { RATE_LIMITER: testEnv.TEST_RATE_LIMITER };
// Each test is its own client, so tests running side by side never share a bucket.
const fromNewClient = () => ({ "cf-connecting-ip": `2001:db8::${crypto.randomUUID().slice(0, 4)}` });

async function countOks(count: number, headers: Record<string, string>, overrides = {}): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index++) {
    statuses.push((await callWithHeaders({ ...limited, ...overrides }, "/v1/tasks", { headers })).status);
  }
  return statuses;
}

describe("rateLimit: RATE_LIMITER per key or client IP", () => {
  beforeEach(waitForRoomInWindow, 10_000);

  it("answers the request after the limit with a 429 in the error shape and Retry-After", async () => {
    const client = fromNewClient();
    expect(await countOks(LIMIT, client)).toEqual([200, 200, 200]);
    const reply = await callWithHeaders(limited, "/v1/tasks", { headers: client });
    expect(reply.status).toBe(429);
    expect(reply.headers.get("retry-after")).toBe("60");
    expect(reply.body).toEqual({
      error: { type: "rate_limited", message: expect.stringContaining("retry after 60 s"), details: { retry_after_seconds: 60, cost: 1 } },
    });
    expect((await callWithHeaders(limited, "/v1/tasks", { headers: fromNewClient() })).status).toBe(200);
  });

  it("gives each API key its own bucket, whatever IP it comes from", async () => {
    const first = await createTestKey();
    const second = await createTestKey();
    const keys = { API_KEYS: `${first.digest},${second.digest}` };
    const client = fromNewClient();
    const withKey = (key: string) => ({ ...client, authorization: `Bearer ${key}` });
    expect(await countOks(LIMIT + 1, withKey(first.key), keys)).toEqual([200, 200, 200, 429]);
    expect(await countOks(LIMIT + 1, withKey(second.key), keys)).toEqual([200, 200, 200, 429]);
    // A refused caller is stopped before the limiter, so it spends nobody's requests.
    expect((await callWithHeaders({ ...limited, ...keys }, "/v1/tasks", { headers: client })).status).toBe(401);
  });

  it("counts a sync batch's items: k items spend k requests", async () => {
    const client = fromNewClient();
    const item = (index: number) => ({
      task: "answer",
      input: { question: `${uniqueMarker("rl")} ${index}?` },
      options: { backend: "gpu" },
    });
    const batch = await callWithHeaders(limited, "/v1/batch", { body: { requests: [item(1), item(2)] }, headers: client });
    expect(batch.status).toBe(200);
    expect(await countOks(2, client)).toEqual([200, 429]);

    const tooMany = await callWithHeaders(limited, "/v1/batch", { body: { requests: [1, 2, 3, 4].map(item) }, headers: fromNewClient() });
    expect(tooMany.status).toBe(429);
    expect(tooMany.body.error.details).toEqual({ retry_after_seconds: 60, cost: 4 });
  });

  it("counts a batch body the route refuses as one request, and leaves the refusal to the route", async () => {
    const client = fromNewClient();
    expect((await callWithHeaders(limited, "/v1/batch", { body: { requests: "nope" }, headers: client })).status).toBe(422);
    expect(await countOks(LIMIT, client)).toEqual([200, 200, 429]);
  });

  it("limits nothing without the binding", async () => {
    const client = fromNewClient();
    expect(await countOks(LIMIT + 2, client, { RATE_LIMITER: undefined })).toEqual([200, 200, 200, 200, 200]);
  });
});
