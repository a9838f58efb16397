import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import type { Env } from "../../src/config/env";
import type { RouterReply } from "./call-router";

/** What a keyed or rate-limited test request carries besides the path. */
export interface CallOptions {
  /** JSON body; with one the request is a POST, without a GET. */
  body?: unknown;
  /** E.g. `authorization` and `cf-connecting-ip` (Cloudflare sets the latter in production). */
  headers?: Record<string, string>;
}

/**
 * The test env's bindings, with the ones wrangler.toml does not declare:
 * `TEST_RATE_LIMITER` is vitest.config.ts's small limiter (3 per 60 s).
 */
export const testEnv = env as unknown as Env & { TEST_RATE_LIMITER: RateLimit };

/**
 * Calls the Worker's real entry point with some bindings replaced and the
 * given headers, for the API key and rate limit tests.
 *
 * @example
 * await callWithHeaders({ API_KEYS: digest }, "/v1/tasks", { headers: { authorization: `Bearer ${key}` } });
 */
export async function callWithHeaders(overrides: Partial<Env>, path: string, options: CallOptions = {}): Promise<RouterReply> {
  const { body, headers = {} } = options;
  const request = new Request(`http://router.test${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const response = await worker.fetch(
    request as Parameters<typeof worker.fetch>[0],
    { ...testEnv, ...overrides },
    createExecutionContext(),
  );
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/**
 * A fresh random API key and the hex SHA-256 digest API_KEYS lists for it.
 *
 * @example
 * const { key, digest } = await createTestKey();
 */
export async function createTestKey(): Promise<{ key: string; digest: string }> {
  const key = `zsr_test_${crypto.randomUUID()}`;
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  return { key, digest: Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("") };
}

/**
 * miniflare's limiter forgets every count when its 60 s window turns; a test
 * that counts to the limit starts with at least 3 s of the window left.
 *
 * @example
 * beforeEach(waitForRoomInWindow, 10_000);
 */
export async function waitForRoomInWindow(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 3_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
