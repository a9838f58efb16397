import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, formatApiError } from "./api-error";
import { parseCompletionRequest, readPromptTexts } from "./completion-request";
import { createCompletion, type ServedModel } from "./create-completion";
import type { CompletionEngine } from "./engine";
import { findFault, sendFault } from "./faults";
import { readBody, readHeaders, sendJson } from "./http-io";
import { createRequestLog, type RequestLog } from "./request-log";
import { handleStubControl } from "./stub-control-routes";

/**
 * An HTTP server speaking vLLM's OpenAI-compatible completions API
 * (`POST /v1/completions` without streaming, `GET /v1/models`, `GET /health`)
 * in front of any `CompletionEngine`, for tests and local development.
 *
 * Fault markers, anywhere in any prompt of a completions request:
 * - `[[fault:500]]`       HTTP 500 with a vLLM error body
 * - `[[fault:429]]`       HTTP 429 with a vLLM error body
 * - `[[fault:malformed]]` HTTP 200 with the truncated body `{"choices": [`
 * - `[[fault:bad-shape]]` HTTP 200 with `{"choices": "nope"}`
 * - `[[fault:hang]]`      no answer until the client disconnects or the server closes
 * - `[[fault:reset]]`     the socket is destroyed without a response
 *
 * Test control (not vLLM): `POST /__stub/scripts`, `GET /__stub/requests?contains=`.
 */

/** How to start the server. */
export interface CompletionsServerOptions {
  engine: CompletionEngine;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  modelName?: string;
  maxModelLen?: number;
  /** When set, `/v1/*` requires `Authorization: Bearer <apiKey>`, like vLLM's `--api-key`. */
  apiKey?: string;
}

/** A started server. */
export interface CompletionsServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:43117`. */
  url: string;
  close(): Promise<void>;
}

const MAX_LOGGED_REQUESTS = 5000;

async function serveCompletion(req: IncomingMessage, res: ServerResponse, served: ServedModel, log: RequestLog): Promise<void> {
  const raw = await readBody(req);
  let body: unknown;
  let parseError: string | undefined;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    parseError = error instanceof Error ? error.message : String(error);
  }
  const promptTexts = parseError === undefined ? readPromptTexts(body, served.engine) : [raw];
  log.record({ method: "POST", path: "/v1/completions", headers: readHeaders(req), body: parseError === undefined ? body : raw }, promptTexts);
  const fault = findFault(promptTexts);
  if (fault) return sendFault(fault, req, res);
  if (parseError !== undefined) return sendJson(res, 400, formatApiError(400, `JSON decode error: ${parseError}`));
  try {
    sendJson(res, 200, await createCompletion(parseCompletionRequest(body), served));
  } catch (error) {
    if (error instanceof ApiError) return sendJson(res, error.status, error.toBody());
    sendJson(res, 500, formatApiError(500, error instanceof Error ? error.message : String(error)));
  }
}

function sendEmpty(res: ServerResponse): void {
  res.writeHead(200, { "content-length": 0 });
  res.end();
}

function describeModels(served: ServedModel, created: number) {
  return {
    object: "list",
    data: [{ id: served.modelName, object: "model", created, owned_by: "vllm", max_model_len: served.maxModelLen }],
  };
}

async function route(req: IncomingMessage, res: ServerResponse, served: ServedModel, log: RequestLog, apiKey: string | undefined): Promise<void> {
  const url = new URL(req.url ?? "/", "http://stub.invalid");
  const method = req.method ?? "GET";
  if (url.pathname.startsWith("/__stub/")) return handleStubControl(req, res, url, { engine: served.engine, log });
  if (apiKey !== undefined && url.pathname.startsWith("/v1") && method !== "OPTIONS" && req.headers.authorization !== `Bearer ${apiKey}`) {
    return sendJson(res, 401, { error: "Unauthorized" });
  }
  const routes: Record<string, [string, () => void | Promise<void>]> = {
    "/health": ["GET", () => sendEmpty(res)],
    "/v1/models": ["GET", () => sendJson(res, 200, describeModels(served, Math.floor(Date.now() / 1000)))],
    "/v1/completions": ["POST", () => serveCompletion(req, res, served, log)],
  };
  const found = routes[url.pathname];
  if (!found) return sendJson(res, 404, { detail: "Not Found" });
  if (found[0] !== method) return sendJson(res, 405, { detail: "Method Not Allowed" });
  return found[1]();
}

/**
 * Starts the server; resolves once it listens.
 *
 * @example
 * const server = await startCompletionsServer({ engine: createScriptedEngine(), port: 0 });
 * await fetch(`${server.url}/v1/completions`, { method: "POST", body: JSON.stringify({ model: "gpt2", prompt: "Hi" }) });
 * await server.close();
 */
export async function startCompletionsServer(options: CompletionsServerOptions): Promise<CompletionsServer> {
  const served: ServedModel = { engine: options.engine, modelName: options.modelName ?? "gpt2", maxModelLen: options.maxModelLen ?? 1024 };
  const log = createRequestLog(MAX_LOGGED_REQUESTS);
  const server = createServer((req, res) => {
    route(req, res, served, log, options.apiKey).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, formatApiError(500, error instanceof Error ? error.message : String(error)));
      else res.destroy();
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hung fault requests and idle keep-alive sockets would hold close() open.
        server.closeAllConnections();
      }),
  };
}
