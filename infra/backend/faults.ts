import type { IncomingMessage, ServerResponse } from "node:http";
import { formatApiError } from "./api-error";
import { sendJson, sendRaw } from "./http-io";

/**
 * Fault injection for the stub backend: a marker such as `[[fault:500]]` in
 * any prompt of a completions request makes the stub misbehave in that way,
 * so tests can drive the Worker's error handling over real HTTP.
 */

/** The faults a prompt can ask for. */
export type FaultKind = "500" | "429" | "malformed" | "bad-shape" | "hang" | "reset";

const FAULT_MARKER = /\[\[fault:(500|429|malformed|bad-shape|hang|reset)\]\]/;

/**
 * The first fault marker in the prompts, if any.
 *
 * @example
 * findFault(["Q: hi [[fault:429]]"]); // "429"
 */
export function findFault(promptTexts: readonly string[]): FaultKind | undefined {
  for (const text of promptTexts) {
    const match = FAULT_MARKER.exec(text);
    if (match) return match[1] as FaultKind;
  }
  return undefined;
}

/**
 * Misbehaves as `kind` says. A hung request is left open until the client
 * gives up or the server closes (which drops every connection).
 *
 * @example
 * const fault = findFault(promptTexts);
 * if (fault) return sendFault(fault, req, res);
 */
export function sendFault(kind: FaultKind, req: IncomingMessage, res: ServerResponse): void {
  switch (kind) {
    case "500":
      return sendJson(res, 500, formatApiError(500, "Injected fault: internal server error"));
    case "429":
      return sendJson(res, 429, formatApiError(429, "Injected fault: too many requests"));
    case "malformed":
      return sendRaw(res, 200, '{"choices": [');
    case "bad-shape":
      return sendJson(res, 200, { choices: "nope" });
    case "hang":
      return;
    case "reset":
      req.socket.destroy();
      return;
  }
}
