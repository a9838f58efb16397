/**
 * A reader for `text/event-stream` bodies, following the WHATWG server-sent
 * events parsing rules, so that any OpenAI-compatible server's stream reads
 * the same however the network splits it into chunks.
 */

/** One dispatched event; `event` is "message" unless the server named it. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Yields the events of an SSE body in order. Lines may end in `\n`, `\r\n` or
 * `\r`, split anywhere across chunks (a UTF-8 character too); comments and
 * `id:`/`retry:` fields are skipped. An event the body ends in the middle of
 * is dropped, as the spec says, so a cut connection never yields half an
 * event. Aborting `signal` cancels the body and makes the reader throw its
 * reason, whatever the runtime does with the fetch's own signal.
 *
 * @example
 * for await (const { data } of readSseEvents(response.body, signal)) {
 *   if (data === "[DONE]") break;
 *   console.log(JSON.parse(data));
 * }
 */
export async function* readSseEvents(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const splitLines = createLineSplitter();
  const pending: { event: string; data: string[] } = { event: "", data: [] };
  const onAbort = (): void => {
    reader.cancel(signal?.reason).catch(() => undefined);
  };
  signal?.addEventListener("abort", onAbort);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      // A cancelled read resolves as `done`; that is the abort, not the end of the body.
      signal?.throwIfAborted();
      if (done) return;
      for (const line of splitLines(decoder.decode(value, { stream: true }))) {
        const event = takeLine(pending, line);
        if (event) yield event;
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // Also reached when the consumer stops early: release the connection.
    reader.cancel().catch(() => undefined);
  }
}

/** Applies one line to the event being built; returns the event when the line ends it. */
function takeLine(pending: { event: string; data: string[] }, line: string): SseEvent | undefined {
  if (line === "") {
    const event = pending.data.length > 0 ? { event: pending.event || "message", data: pending.data.join("\n") } : undefined;
    pending.event = "";
    pending.data = [];
    return event;
  }
  if (line.startsWith(":")) return undefined;
  const colon = line.indexOf(":");
  const field = colon < 0 ? line : line.slice(0, colon);
  let value = colon < 0 ? "" : line.slice(colon + 1);
  if (value.startsWith(" ")) value = value.slice(1);
  if (field === "data") pending.data.push(value);
  else if (field === "event") pending.event = value;
  return undefined;
}

/**
 * Splits decoded text into complete lines, keeping the unfinished tail for
 * the next call. A `\r` that ends one chunk may be the first half of a
 * `\r\n` whose `\n` starts the next; that `\n` must not count as a blank line.
 */
function createLineSplitter(): (text: string) => string[] {
  let tail = "";
  let afterCr = false;
  return (text) => {
    // An empty chunk (or half a UTF-8 character) says nothing about a pending `\r`.
    if (text === "") return [];
    const input = tail + (afterCr && text.startsWith("\n") ? text.slice(1) : text);
    afterCr = input.endsWith("\r");
    const lines = input.split(/\r\n|\r|\n/);
    tail = lines.pop() ?? "";
    return lines;
  };
}
