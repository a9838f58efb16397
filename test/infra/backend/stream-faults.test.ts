import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionsServer } from "../../../infra/backend/server";
import { postCompletion, postStream, startStub } from "./completions-client";

let server: CompletionsServer;
beforeAll(async () => {
  server = await startStub();
});
afterAll(() => server.close());

const whole = (fault: string) => ({ model: "gpt2", prompt: `story ${crypto.randomUUID().slice(0, 8)} [[fault:${fault}]]`, max_tokens: 8 });
const streamed = (fault: string) => ({ ...whole(fault), stream: true, stream_options: { include_usage: true } });

// Tests read arbitrary wire fields of the chunks.
const finishReasons = (events: string[]): unknown[] =>
  events
    .filter((data) => data.startsWith("{"))
    .flatMap((data) => {
      try {
        return (JSON.parse(data) as any).choices.map((choice: any) => choice.finish_reason);
      } catch {
        return ["<not JSON>"];
      }
    });

describe("stream fault markers", () => {
  it("[[fault:cut-stream]] sends a few chunks, then drops the connection without a finish or [DONE]", async () => {
    const reply = await postStream(server.url, streamed("cut-stream"));
    expect(reply.status).toBe(200);
    expect(reply.error).toBeDefined();
    expect(reply.events).toHaveLength(2);
    expect(finishReasons(reply.events)).toEqual([null, null]);
  });

  it("[[fault:stream-malformed]] slips a chunk that is not JSON into an otherwise complete stream", async () => {
    const reply = await postStream(server.url, streamed("stream-malformed"));
    expect(reply.error).toBeUndefined();
    expect(reply.events.at(-1)).toBe("[DONE]");
    expect(finishReasons(reply.events)).toEqual([null, null, "<not JSON>", null, null, null, null, null, "length"]);
  });

  it("[[fault:stream-no-finish]] sends every chunk and [DONE] but never a finish_reason", async () => {
    const reply = await postStream(server.url, streamed("stream-no-finish"));
    expect(reply.events.at(-1)).toBe("[DONE]");
    expect(reply.events).toHaveLength(10);
    expect(finishReasons(reply.events).every((reason) => reason === null)).toBe(true);
  });

  it("[[fault:stream-stall]] sends a few chunks, then nothing until the client gives up", async () => {
    const reply = await postStream(server.url, streamed("stream-stall"), AbortSignal.timeout(300));
    expect(reply.error?.name).toMatch(/AbortError|TimeoutError/);
    expect(reply.events).toHaveLength(2);
  });

  it("[[fault:cut-stream]] cuts a non-streamed JSON body halfway", async () => {
    await expect(postCompletion(server.url, whole("cut-stream"))).rejects.toThrow(/terminated/);
  });

  it("the stream-only markers leave a non-streamed answer alone", async () => {
    for (const fault of ["stream-malformed", "stream-no-finish", "stream-stall"]) {
      const reply = await postCompletion(server.url, whole(fault));
      expect(reply.status).toBe(200);
      expect(reply.body.choices[0].finish_reason).toBe("length");
    }
  });

  it("the older markers misbehave the same way for streamed requests", async () => {
    const reply = await postStream(server.url, streamed("429"));
    expect(reply.status).toBe(429);
    expect(reply.contentType).toContain("application/json");
  });
});
