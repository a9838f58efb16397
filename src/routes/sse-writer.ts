/**
 * A `text/event-stream` body the route writes into while the run goes on.
 * Writes are queued, never awaited by the producer; when the client goes
 * away the writes fail and `signal` aborts, which cancels the backend call.
 */
export interface SseWriter {
  readonly body: ReadableStream<Uint8Array>;
  /** Aborts when the client disconnects. */
  readonly signal: AbortSignal;
  /** Queues `data: <json>` (or a raw string such as `[DONE]`), under `event` when named. */
  send(data: unknown, event?: string): void;
  /** Flushes what is queued and ends the body. */
  close(): Promise<void>;
}

/**
 * Creates the writer and the body to return in the Response.
 *
 * @example
 * const sse = createSseWriter(); sse.send({ text: "hi" }); sse.send("[DONE]"); void sse.close();
 * return new Response(sse.body, { headers: { "content-type": "text/event-stream" } });
 */
export function createSseWriter(): SseWriter {
  const encoder = new TextEncoder();
  const gone = new AbortController();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  let queue: Promise<void> = Promise.resolve();
  const fail = () => gone.abort(new Error("the client disconnected"));
  writer.closed.catch(fail);
  return {
    body: readable,
    signal: gone.signal,
    send(data, event) {
      const text = `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
      queue = queue.then(() => writer.write(encoder.encode(text))).catch(fail);
    },
    async close() {
      await queue;
      await writer.close().catch(fail);
    },
  };
}
