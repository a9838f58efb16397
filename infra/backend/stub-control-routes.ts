import type { IncomingMessage, ServerResponse } from "node:http";
import type { CompletionEngine } from "./engine";
import { parseFaultConfig, type FaultControl } from "./fault-control";
import { readBody, sendJson } from "./http-io";
import type { RequestLog } from "./request-log";
import { parseScriptRule, type ScriptRule } from "./script-rules";

/**
 * Test-control endpoints under `/__stub/` (not part of vLLM):
 * `POST /__stub/scripts` adds a script rule to a scriptable engine,
 * `GET /__stub/requests?contains=MARKER` lists the completions requests
 * whose prompt contains MARKER, `POST /__stub/faults` sets a server-wide
 * fault (`{ mode, rate?, count?, seed? }`, restarting the stats),
 * `DELETE /__stub/faults` clears it and `GET /__stub/stats` counts requests
 * and injected faults.
 */

interface Scriptable {
  addScript(rule: ScriptRule): void;
}

function isScriptable(engine: CompletionEngine): engine is CompletionEngine & Scriptable {
  return typeof (engine as Partial<Scriptable>).addScript === "function";
}

async function addScriptFromBody(req: IncomingMessage, res: ServerResponse, engine: CompletionEngine): Promise<void> {
  if (!isScriptable(engine)) return sendJson(res, 501, { detail: "this engine cannot be scripted" });
  let rule: ScriptRule;
  try {
    rule = parseScriptRule(JSON.parse(await readBody(req)));
  } catch (error) {
    return sendJson(res, 400, { detail: error instanceof Error ? error.message : String(error) });
  }
  engine.addScript(rule);
  sendJson(res, 201, { rule });
}

async function setFaultsFromBody(req: IncomingMessage, res: ServerResponse, faults: FaultControl): Promise<void> {
  try {
    const config = parseFaultConfig(JSON.parse(await readBody(req)));
    faults.configure(config);
    sendJson(res, 200, { faults: config });
  } catch (error) {
    sendJson(res, 400, { detail: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Serves one `/__stub/` request.
 *
 * @example
 * if (url.pathname.startsWith("/__stub/")) return handleStubControl(req, res, url, { engine, log, faults });
 */
export async function handleStubControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: { engine: CompletionEngine; log: RequestLog; faults: FaultControl },
): Promise<void> {
  const { pathname } = url;
  if (pathname === "/__stub/scripts" && req.method === "POST") return addScriptFromBody(req, res, context.engine);
  if (pathname === "/__stub/requests" && req.method === "GET") {
    return sendJson(res, 200, { requests: context.log.find(url.searchParams.get("contains") ?? "") });
  }
  if (pathname === "/__stub/faults" && req.method === "POST") return setFaultsFromBody(req, res, context.faults);
  if (pathname === "/__stub/faults" && req.method === "DELETE") {
    context.faults.clear();
    return sendJson(res, 200, { faults: { mode: "none" } });
  }
  if (pathname === "/__stub/stats" && req.method === "GET") return sendJson(res, 200, context.faults.stats());
  sendJson(res, 404, { detail: "Not Found" });
}
