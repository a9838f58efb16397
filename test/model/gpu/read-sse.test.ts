import { describe, expect, it } from "vitest";
import { readSseEvents, type SseEvent } from "../../../src/model/gpu/read-sse";

/** A body delivered in exactly these pieces, optionally failing after them. */
function bodyOf(pieces: Array<string | Uint8Array>, failure?: Error): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(typeof piece === "string" ? encoder.encode(piece) : piece);
    },
    // Only once the pieces are read: erroring in start() would discard them.
    pull(controller) {
      if (failure) controller.error(failure);
      else controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of readSseEvents(body, signal)) events.push(event);
  return events;
}

describe("readSseEvents", () => {
  it("reads data events and skips comments, ids and retry fields", async () => {
    const body = bodyOf([': keep-alive\n\ndata: {"a":1}\nid: 7\nretry: 10\n\ndata: [DONE]\n\n']);
    expect(await collect(body)).toEqual([
      { event: "message", data: '{"a":1}' },
      { event: "message", data: "[DONE]" },
    ]);
  });

  it("reassembles events split anywhere across chunks, a UTF-8 character included", async () => {
    const bytes = new TextEncoder().encode('data: {"text":" café 😀"}\n\ndata: [DONE]\n\n');
    const pieces = Array.from(bytes, (byte) => new Uint8Array([byte]));
    const events = await collect(bodyOf(pieces));
    expect(events.map(({ data }) => data)).toEqual(['{"text":" café 😀"}', "[DONE]"]);
  });

  it("accepts CRLF and CR line ends, with a CRLF split between chunks", async () => {
    const events = await collect(bodyOf(["data: one\r", "\n\r", "\ndata: two\r\rdata:three\n\n"]));
    expect(events.map(({ data }) => data)).toEqual(["one", "two", "three"]);
  });

  it("joins multi-line data, strips one leading space and keeps event names", async () => {
    const events = await collect(bodyOf(["event: error\ndata:  first\ndata: second\n\n"]));
    expect(events).toEqual([{ event: "error", data: " first\nsecond" }]);
  });

  it("drops an event the body ends in the middle of", async () => {
    expect(await collect(bodyOf(["data: whole\n\ndata: half"]))).toEqual([{ event: "message", data: "whole" }]);
    expect(await collect(bodyOf(["data: whole\n\ndata: no blank line\n"]))).toHaveLength(1);
  });

  it("passes a broken body's error on after the events before it", async () => {
    const events: string[] = [];
    const reading = (async () => {
      for await (const { data } of readSseEvents(bodyOf(["data: 1\n\n"], new Error("connection reset")))) events.push(data);
    })();
    await expect(reading).rejects.toThrow("connection reset");
    expect(events).toEqual(["1"]);
  });

  it("throws the abort reason once the signal fires, even while a read is pending", async () => {
    const silent = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode("data: 1\n\n")) });
    const controller = new AbortController();
    const reading = collect(silent, controller.signal);
    setTimeout(() => controller.abort(new Error("too slow")), 20);
    await expect(reading).rejects.toThrow("too slow");
  });
});
