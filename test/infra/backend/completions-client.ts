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

/** A streamed answer read to its end, or to where the connection broke. */
export interface StreamReply {
  status: number;
  contentType: string | null;
  /** The `data:` payloads in order, `[DONE]` included. */
  events: string[];
  /** Set when reading the body failed (a cut connection). */
  error?: Error;
}

/**
 * POSTs a completions request and reads the SSE body as it arrives, so a
 * cut stream still shows what came before the cut. Splits on blank lines,
 * enough for the stub's `data: ...\n\n` events.
 *
 * @example
 * const { events } = await postStream(server.url, { prompt: "Hi", stream: true });
 * events.at(-1); // "[DONE]"
 */
export async function postStream(baseUrl: string, body: unknown, signal?: AbortSignal): Promise<StreamReply> {
  const response = await fetch(`${baseUrl}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  const reply: StreamReply = { status: response.status, contentType: response.headers.get("content-type"), events: [] };
  let text = "";
  const decoder = new TextDecoder();
  try {
    const reader = response.body?.getReader();
    for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
      text += decoder.decode(read.value, { stream: true });
    }
  } catch (error) {
    reply.error = error as Error;
  }
  reply.events = text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length));
  return reply;
}
