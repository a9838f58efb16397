import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Reads a whole request body as UTF-8 text.
 *
 * @example
 * const raw = await readBody(req); // '{"model":"gpt2",...}'
 */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Answers with a JSON body (FastAPI's content type, as vLLM sends it).
 *
 * @example
 * sendJson(res, 404, { detail: "Not Found" });
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, JSON.stringify(body));
}

/**
 * Answers with a body sent exactly as given, labelled JSON; fault injection
 * uses it to send broken JSON.
 *
 * @example
 * sendRaw(res, 200, '{"choices": [');
 */
export function sendRaw(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Request headers flattened to one string each, names lower-cased.
 *
 * @example
 * readHeaders(req); // { "content-type": "application/json", authorization: "Bearer k" }
 */
export function readHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}
