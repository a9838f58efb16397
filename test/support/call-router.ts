import { createExecutionContext, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import type { Env } from "../../src/config/env";

/** A parsed router response. */
export interface RouterReply {
  status: number;
  headers: Headers;
  // Tests inspect arbitrary JSON shapes.
  body: any;
}

/** The stub completions server the workers project starts (see global-setup). */
export const stubUrl = (env as unknown as Env).GPU_BASE_URL as string;

/**
 * POSTs JSON to the Worker through its real entry point inside workerd.
 *
 * @example
 * const reply = await postJson("/v1/tasks/summarize", { text: "..." });
 */
export async function postJson(path: string, body: unknown): Promise<RouterReply> {
  const response = await SELF.fetch(`http://router.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/**
 * Sends a request to the Worker with some bindings replaced, for tests of
 * configuration (timeouts, keys, missing backends).
 *
 * @example
 * await callWithEnv({ GPU_TIMEOUT_MS: "200" }, "/v1/tasks/answer", { question: "q" });
 */
export async function callWithEnv(overrides: Partial<Env>, path: string, body?: unknown): Promise<RouterReply> {
  const request = new Request(`http://router.test${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const response = await worker.fetch(
    request as Parameters<typeof worker.fetch>[0],
    { ...(env as unknown as Env), ...overrides },
    createExecutionContext(),
  );
  return { status: response.status, headers: response.headers, body: await response.json() };
}
