import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv, RunNote } from "../config/env";
import { recordRequest } from "./request-metrics";

/** Request ids we echo: a client's own, if it is short and plain, else one we make. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Tells the request's log line what the handler ran.
 *
 * @example
 * noteRun(c, { task: "answer", backend: run.backend.id, promptTokens: 12, completionTokens: 3 });
 */
export function noteRun(c: Context<AppEnv>, note: RunNote): void {
  c.set("runNote", { ...c.get("runNote"), ...note });
}

/** What served a request, as a task run and a completion run both report it. */
export interface ServedRun {
  backend: { id: string };
  route: { attempts: ReadonlyArray<{ backend: string; status: string }> };
  usage: { promptTokens: number; completionTokens: number };
  prompt: unknown;
}

/**
 * Notes what served the request: the backend, each route attempt's backend
 * and status, the tokens, and the prompt (logged only with LOG_PROMPTS=true).
 *
 * @example
 * noteServed(c, run); // a TaskRun: backend, route, usage and prompt
 */
export function noteServed(c: Context<AppEnv>, run: ServedRun): void {
  noteRun(c, {
    backend: run.backend.id,
    attempts: run.route.attempts.map(({ backend, status }) => ({ backend, status })),
    promptTokens: run.usage.promptTokens,
    completionTokens: run.usage.completionTokens,
    prompt: run.prompt,
  });
}

/**
 * Gives every request an id (the client's `x-request-id` when it is plain,
 * up to 128 characters, else a UUID), returns it in `x-request-id`, and
 * writes one JSON log line per request: id, method, route, status, latency,
 * and what the handler noted (task, backend, route attempts, tokens). Never
 * the prompt unless LOG_PROMPTS=true. A streamed answer is logged when its
 * stream ends, so its line has the backend, the tokens and the whole
 * latency. Each request also goes to the metrics (this isolate's window and
 * Analytics Engine).
 *
 * @example
 * app.use("*", traceRequest());
 */
export function traceRequest(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = Date.now();
    const sent = c.req.header("x-request-id");
    const requestId = sent && REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
    c.set("requestId", requestId);
    await next();
    c.res.headers.set("x-request-id", requestId);
    const body = c.res.body;
    if (!c.get("runNote")?.streamed || !body || c.res.status >= 400) return logRequest(c, requestId, started);
    // The handler noted the run when it finished, just before its stream closed.
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const ended = body
      .pipeTo(writable)
      .catch(() => undefined)
      .then(() => logRequest(c, requestId, started));
    waitUntil(c, ended);
    c.res = new Response(readable, c.res);
  };
}

function logRequest(c: Context<AppEnv>, requestId: string, started: number): void {
  const latencyMs = Date.now() - started;
  // The pattern of the handler that answered (dispatch leaves routeIndex on it), not the raw path,
  // so ids in paths do not split the metrics; unrouted paths share one label.
  const matched = routePath(c);
  // A parameter's pattern (`/v1/models/:model{.+}`) is the router's business, not the label's.
  const route = matched.endsWith("*") ? "unmatched" : matched.includes("{") ? matched.replace(/\{[^}]*\}/g, "") : matched;
  // A request refused before its handler ran (validation) still names its task.
  const note: RunNote = { task: /^\/v1\/tasks\/([a-z_-]+)$/.exec(route)?.[1], ...c.get("runNote") };
  const { prompt, ...facts } = note;
  const { status } = c.res;
  const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
  const logged = c.get("config")?.logPrompts && prompt !== undefined ? { prompt } : {};
  console.log(
    JSON.stringify({ level, request_id: requestId, method: c.req.method, route, status, latency_ms: latencyMs, ...facts, ...logged }),
  );
  if (!c.req.path.startsWith("/v1/")) return;
  const { promptTokens = 0, completionTokens = 0 } = note;
  recordRequest(
    { at: started, route, task: note.task, backend: note.backend, status, latencyMs, promptTokens, completionTokens },
    c.get("config")?.metrics,
  );
}

/** Keeps the isolate alive for the log line when the runtime offers it (tests calling `app.fetch` bare do not). */
function waitUntil(c: Context<AppEnv>, promise: Promise<void>): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // No execution context: the stream's own lifetime carries the promise.
  }
}
