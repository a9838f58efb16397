import type { IncomingMessage, ServerResponse } from "node:http";
import type { BodyFault } from "./faults";
import type { StreamChunk } from "./stream-chunks";

/**
 * Sends a completions answer's body, whole or damaged as a body fault says:
 * streamed answers as vLLM's FastAPI `StreamingResponse` sends them
 * (`text/event-stream`, one `data: {json}\n\n` write per chunk, then
 * `data: [DONE]\n\n`), non-streamed ones as JSON.
 */

/** Chunks a damaged stream still delivers before misbehaving. */
const CHUNKS_BEFORE_FAULT = 2;
/** Lets the chunks already written reach the client before the socket goes. */
const FLUSH_BEFORE_CUT_MS = 20;

// Stands in for a broken chunk: an object opened and never closed.
const MALFORMED_DATA = '{"id":"cmpl-broken","choices":[{"index":0,"text":';

function writeEvent(res: ServerResponse, data: string): void {
  res.write(`data: ${data}\n\n`);
}

function cutAfterFlush(req: IncomingMessage): void {
  setTimeout(() => req.socket.destroy(), FLUSH_BEFORE_CUT_MS);
}

function withoutFinish(chunk: StreamChunk): StreamChunk {
  return { ...chunk, choices: chunk.choices.map((choice) => ({ ...choice, finish_reason: null, stop_reason: null })) };
}

/**
 * Streams the chunks, or misbehaves after the first few: `cut-stream`
 * destroys the socket (no finish reason, no [DONE]), `stream-stall` goes
 * silent until the client or the server closes, `stream-malformed` sends a
 * chunk that is not JSON and then the rest, `stream-no-finish` sends every
 * chunk with its finish reason removed, then [DONE].
 *
 * @example
 * sendEventStream(req, res, await buildStreamChunks(request, served));
 */
export function sendEventStream(req: IncomingMessage, res: ServerResponse, chunks: readonly StreamChunk[], fault?: BodyFault): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
  // At least the last choice's finishing chunk stays unsent when the stream breaks early.
  const before = Math.min(CHUNKS_BEFORE_FAULT, Math.max(0, chunks.length - 2));
  const breaksEarly = fault === "cut-stream" || fault === "stream-stall";
  (breaksEarly ? chunks.slice(0, before) : chunks).forEach((chunk, position) => {
    if (fault === "stream-malformed" && position === before) writeEvent(res, MALFORMED_DATA);
    writeEvent(res, JSON.stringify(fault === "stream-no-finish" ? withoutFinish(chunk) : chunk));
  });
  if (fault === "cut-stream") {
    cutAfterFlush(req);
    return;
  }
  if (fault === "stream-stall") return;
  writeEvent(res, "[DONE]");
  res.end();
}

/**
 * Sends a JSON answer, or for `cut-stream` announces its full length, sends
 * half and destroys the socket: a body cut off in transit.
 *
 * @example
 * sendJsonBody(req, res, await createCompletion(request, served), "cut-stream");
 */
export function sendJsonBody(req: IncomingMessage, res: ServerResponse, body: unknown, fault?: BodyFault): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  if (fault !== "cut-stream") {
    res.end(text);
    return;
  }
  res.write(text.slice(0, Math.floor(text.length / 2)));
  cutAfterFlush(req);
}
