import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatApiError } from "./api-error";
import type { CompletionEngine } from "./engine";
import { createFaultControl, type FaultControl } from "./fault-control";
import { sendJson } from "./http-io";
import { createRequestLog } from "./request-log";
import { serveCompletion, type CompletionContext } from "./serve-completion";
import { handleStubControl } from "./stub-control-routes";

/**
 * An HTTP server speaking vLLM's OpenAI-compatible completions API
 * (`POST /v1/completions`, streamed with `stream: true`, `GET /v1/models`,
 * `GET /health`) in front of any `CompletionEngine`, for tests and local
 * development.
 *
 * Fault markers, anywhere in any prompt of a completions request:
 * - `[[fault:500]]`       HTTP 500 with a vLLM error body
 * - `[[fault:429]]`       HTTP 429 with a vLLM error body
 * - `[[fault:malformed]]` HTTP 200 with the truncated body `{"choices": [`
 * - `[[fault:bad-shape]]` HTTP 200 with `{"choices": "nope"}`
 * - `[[fault:hang]]`      no answer until the client disconnects or the server closes
 * - `[[fault:reset]]`     the socket is destroyed without a response
 * - `[[fault:cut-stream]]` a few chunks, then the socket is destroyed (no finish_reason,
 *                          no [DONE]); a non-streamed answer is cut halfway instead
 * - `[[fault:stream-malformed]]` a chunk whose data is not JSON, amid the normal stream
 * - `[[fault:stream-no-finish]]` the whole stream and [DONE], but no finish_reason
 * - `[[fault:stream-stall]]` a few chunks, then silence
 * The `stream-*` markers leave non-streamed answers alone.
 *
 * Test control (not vLLM): `POST /__stub/scripts`, `GET /__stub/requests?contains=`,
 * `POST|DELETE /__stub/faults` (server-wide faults, see fault-control.ts), `GET /__stub/stats`.
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

// vLLM answers /health with an empty body: 200, or 503 once its engine is dead.
function sendHealth(res: ServerResponse, faults: FaultControl): void {
  res.writeHead(faults.healthy() ? 200 : 503, { "content-length": 0 });
  res.end();
}

function describeModels(served: CompletionContext["served"], created: number) {
  return {
    object: "list",
    data: [{ id: served.modelName, object: "model", created, owned_by: "vllm", max_model_len: served.maxModelLen }],
  };
}

async function route(req: IncomingMessage, res: ServerResponse, context: CompletionContext, apiKey: string | undefined): Promise<void> {
  const { served, log, faults } = context;
  const url = new URL(req.url ?? "/", "http://stub.invalid");
  const method = req.method ?? "GET";
  if (url.pathname.startsWith("/__stub/")) return handleStubControl(req, res, url, { engine: served.engine, log, faults });
  if (apiKey !== undefined && url.pathname.startsWith("/v1") && method !== "OPTIONS" && req.headers.authorization !== `Bearer ${apiKey}`) {
    return sendJson(res, 401, { error: "Unauthorized" });
  }
  const routes: Record<string, [string, () => void | Promise<void>]> = {
    "/health": ["GET", () => sendHealth(res, faults)],
    "/v1/models": ["GET", () => sendJson(res, 200, describeModels(served, Math.floor(Date.now() / 1000)))],
    "/v1/completions": ["POST", () => serveCompletion(req, res, context)],
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
  const context: CompletionContext = {
    served: { engine: options.engine, modelName: options.modelName ?? "gpt2", maxModelLen: options.maxModelLen ?? 1024 },
    log: createRequestLog(MAX_LOGGED_REQUESTS),
    faults: createFaultControl(),
  };
  const server = createServer((req, res) => {
    route(req, res, context, options.apiKey).catch((error: unknown) => {
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
        // Hung or stalled fault requests and idle keep-alive sockets would hold close() open.
        server.closeAllConnections();
      }),
  };
}
