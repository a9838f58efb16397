import type { IncomingMessage, ServerResponse } from "node:http";
import { formatApiError } from "./api-error";
import { sendJson, sendRaw } from "./http-io";

/**
 * Fault injection for the stub backend: a marker such as `[[fault:500]]` in
 * any prompt of a completions request (or a server-wide mode, see
 * fault-control.ts) makes the stub misbehave in that way, so tests can drive
 * the Worker's error handling over real HTTP. Faults in the answer's body
 * (`cut-stream` and the `stream-*` ones) are send-body.ts's.
 */

/** Faults that replace the answer before anything is generated. */
export type ImmediateFault = "500" | "429" | "malformed" | "bad-shape" | "hang" | "reset";

/**
 * Faults in the body of an answer. `cut-stream` also cuts a non-streamed
 * JSON body; the others only apply to `stream: true` requests.
 */
export type BodyFault = "cut-stream" | "stream-malformed" | "stream-no-finish" | "stream-stall";

/** The faults a prompt can ask for. */
export type FaultKind = ImmediateFault | BodyFault;

const IMMEDIATE: readonly string[] = ["500", "429", "malformed", "bad-shape", "hang", "reset"] satisfies ImmediateFault[];

const FAULT_MARKER = /\[\[fault:(500|429|malformed|bad-shape|hang|reset|cut-stream|stream-malformed|stream-no-finish|stream-stall)\]\]/;

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
 * Whether the fault replaces the whole answer (else it damages its body).
 *
 * @example
 * isImmediateFault("429"); // true
 */
export function isImmediateFault(kind: FaultKind): kind is ImmediateFault {
  return IMMEDIATE.includes(kind);
}

/**
 * Misbehaves as `kind` says. A hung request is left open until the client
 * gives up or the server closes (which drops every connection).
 *
 * @example
 * const fault = findFault(promptTexts);
 * if (fault) return sendFault(fault, req, res);
 */
export function sendFault(kind: ImmediateFault, req: IncomingMessage, res: ServerResponse): void {
  switch (kind) {
    case "500":
      sendJson(res, 500, formatApiError(500, "Injected fault: internal server error"));
      return;
    case "429":
      sendJson(res, 429, formatApiError(429, "Injected fault: too many requests"));
      return;
    case "malformed":
      sendRaw(res, 200, '{"choices": [');
      return;
    case "bad-shape":
      sendJson(res, 200, { choices: "nope" });
      return;
    case "hang":
      return;
    case "reset":
      req.socket.destroy();
      return;
  }
}
