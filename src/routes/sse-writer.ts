import type { ServedRun } from "../middleware/trace-request";

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

/**
 * The event-stream Response of a run that streams into `sse`: it waits until
 * `started` fires (the first piece) or the run ends, so a run that fails
 * before any piece throws here and gets its error status; afterwards
 * `finish` or `fail` writes the last events and the body closes. The serving
 * backend goes in `x-route`.
 *
 * @example
 * const stream = createStreamStart();
 * const run = runTask(task, input, options, deps, (text, backend) => { stream.started(backend.id); sse.send({ text }, "delta"); });
 * return respondWhenStarted(sse, stream, run, (done) => sse.send(body(done), "done"), (error) => sse.send(describeError(error).body, "error"));
 */
export async function respondWhenStarted<T extends Pick<ServedRun, "backend">>(
  sse: SseWriter,
  stream: StreamStart,
  run: Promise<T>,
  finish: (done: T) => void,
  fail: (error: unknown) => void,
): Promise<Response> {
  const servedBy = await Promise.race([stream.first, run.then((done) => done.backend.id)]);
  void run.then(finish, fail).finally(() => sse.close());
  return new Response(sse.body, {
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", "x-route": servedBy },
  });
}

/** Fires once, with the id of the backend whose first piece arrived. */
export interface StreamStart {
  readonly first: Promise<string>;
  started(backend: string): void;
}

/**
 * The signal `respondWhenStarted` waits for.
 *
 * @example
 * const stream = createStreamStart(); stream.started("gpu"); await stream.first; // "gpu"
 */
export function createStreamStart(): StreamStart {
  let started: (backend: string) => void = () => {};
  const first = new Promise<string>((resolve) => {
    started = resolve;
  });
  return { first, started: (backend) => started(backend) };
}
