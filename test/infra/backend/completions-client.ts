import { createScriptedEngine } from "../../../infra/backend/scripted-engine";
import { startCompletionsServer, type CompletionsServer, type CompletionsServerOptions } from "../../../infra/backend/server";

/** Test helpers for the stub backend tests: a fresh server and a thin HTTP client. */

/**
 * Starts a stub on an ephemeral port with the scripted engine.
 *
 * @example
 * const server = await startStub();
 * afterAll(() => server.close());
 */
export function startStub(options: Partial<CompletionsServerOptions> = {}): Promise<CompletionsServer> {
  return startCompletionsServer({ engine: createScriptedEngine(), port: 0, ...options });
}

/** A response with its status and parsed JSON body. */
export interface JsonReply {
  status: number;
  // Tests index into arbitrary wire fields.
  body: any;
}

/**
 * POSTs a JSON body (or raw text) to `/v1/completions`.
 *
 * @example
 * const { status, body } = await postCompletion(server.url, { model: "gpt2", prompt: "Hi" });
 */
export async function postCompletion(baseUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonReply> {
  const response = await fetch(`${baseUrl}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * Posts a script rule through the control endpoint.
 *
 * @example
 * await postScript(server.url, { contains: "[m1]", text: " yes" });
 */
export async function postScript(baseUrl: string, rule: unknown): Promise<JsonReply> {
  const response = await fetch(`${baseUrl}/__stub/scripts`, { method: "POST", body: JSON.stringify(rule) });
  return { status: response.status, body: await response.json() };
}
