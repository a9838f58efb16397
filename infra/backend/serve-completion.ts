import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, formatApiError } from "./api-error";
import { parseCompletionRequest, readPromptTexts } from "./completion-request";
import { createCompletion, type ServedModel } from "./create-completion";
import type { FaultControl } from "./fault-control";
import { findFault, isImmediateFault, sendFault, type BodyFault, type FaultKind } from "./faults";
import { readBody, readHeaders, sendJson } from "./http-io";
import type { RecordedRequest, RequestLog } from "./request-log";
import { sendEventStream, sendJsonBody } from "./send-body";
import { buildStreamChunks } from "./stream-chunks";

/** What one completions request needs from its server. */
export interface CompletionContext {
  served: ServedModel;
  log: RequestLog;
  faults: FaultControl;
}

// The stream-only faults leave a non-streamed answer alone; `cut-stream` cuts either.
function applicableBodyFault(fault: FaultKind | undefined, streaming: boolean): BodyFault | undefined {
  if (fault === undefined || isImmediateFault(fault)) return undefined;
  return streaming || fault === "cut-stream" ? fault : undefined;
}

/**
 * Serves `POST /v1/completions`: logs the request, injects the fault its
 * prompt's marker or else the server-wide mode asks for (the marker wins),
 * and answers whole or streamed as `stream` says.
 *
 * @example
 * "/v1/completions": ["POST", () => serveCompletion(req, res, { served, log, faults })],
 */
export async function serveCompletion(req: IncomingMessage, res: ServerResponse, context: CompletionContext): Promise<void> {
  const { served, log, faults } = context;
  const raw = await readBody(req);
  let body: unknown;
  let parseError: string | undefined;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    parseError = error instanceof Error ? error.message : String(error);
  }
  const promptTexts = parseError === undefined ? readPromptTexts(body, served.engine) : [raw];
  const recorded: RecordedRequest = {
    method: "POST",
    path: "/v1/completions",
    headers: readHeaders(req),
    body: parseError === undefined ? body : raw,
  };
  log.record(recorded, promptTexts);
  res.on("close", () => {
    if (!res.writableFinished) recorded.closedEarly = true;
  });
  const serverFault = faults.nextRequest();
  const fault = findFault(promptTexts) ?? serverFault;
  if (fault && isImmediateFault(fault)) {
    faults.recordFault(fault);
    return sendFault(fault, req, res);
  }
  if (parseError !== undefined) return sendJson(res, 400, formatApiError(400, `JSON decode error: ${parseError}`));
  try {
    const request = parseCompletionRequest(body);
    const bodyFault = applicableBodyFault(fault, request.stream);
    if (request.stream) {
      const chunks = await buildStreamChunks(request, served);
      if (bodyFault) faults.recordFault(bodyFault);
      return sendEventStream(req, res, chunks, bodyFault);
    }
    const response = await createCompletion(request, served);
    if (bodyFault) faults.recordFault(bodyFault);
    sendJsonBody(req, res, response, bodyFault);
  } catch (error) {
    if (error instanceof ApiError) return sendJson(res, error.status, error.toBody());
    sendJson(res, 500, formatApiError(500, error instanceof Error ? error.message : String(error)));
  }
}
