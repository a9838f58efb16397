import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionsServer } from "../../../infra/backend/server";
import { postCompletion, postScript, postStream, startStub } from "./completions-client";

let server: CompletionsServer;
beforeAll(async () => {
  server = await startStub();
});
afterAll(() => server.close());

const marker = (): string => `[s-${crypto.randomUUID().slice(0, 8)}]`;

// Tests read arbitrary wire fields of the chunks.
function parseChunks(events: string[]): any[] {
  expect(events.at(-1)).toBe("[DONE]");
  return events.slice(0, -1).map((data) => JSON.parse(data));
}

function joinLogprobs(chunks: any[], field: string): unknown[] {
  return chunks.flatMap((chunk) => chunk.choices.flatMap((choice: any) => choice.logprobs?.[field] ?? []));
}

describe("stream: true", () => {
  it("sends one SSE chunk per token that joins to exactly the non-streamed answer", async () => {
    const m = marker();
    await postScript(server.url, { contains: m, text: " Paris is lovely\nQ: again", top_logprobs: [{ " Paris": -0.5, " Rome": -1 }] });
    const request = { model: "gpt2", prompt: `${m} Q: capital?`, max_tokens: 8, stop: ["\n"], logprobs: 2, temperature: 0 };
    const whole = (await postCompletion(server.url, request)).body.choices[0];
    const reply = await postStream(server.url, { ...request, stream: true });
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe("text/event-stream; charset=utf-8");
    const chunks = parseChunks(reply.events);
    expect(chunks).toHaveLength(whole.logprobs.tokens.length);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: chunks[0].id, object: "text_completion", model: "gpt2", usage: null });
      expect(chunk.choices).toHaveLength(1);
    }
    expect(chunks.map((chunk) => chunk.choices[0].text).join("")).toBe(whole.text);
    expect(chunks.map((chunk) => chunk.choices[0].finish_reason)).toEqual([...chunks.slice(1).map(() => null), "stop"]);
    expect(chunks.at(-1).choices[0].stop_reason).toBe("\n");
    for (const field of ["tokens", "token_logprobs", "top_logprobs", "text_offset"]) {
      expect(joinLogprobs(chunks, field)).toEqual(whole.logprobs[field]);
    }
  });

  it("adds a choice-less usage chunk before [DONE] when stream_options asks (or is {})", async () => {
    const request = { model: "gpt2", prompt: `${marker()} Once`, max_tokens: 5 };
    const { usage } = (await postCompletion(server.url, request)).body;
    for (const options of [{ include_usage: true }, {}]) {
      const chunks = parseChunks((await postStream(server.url, { ...request, stream: true, stream_options: options })).events);
      expect(chunks.at(-1)).toEqual({
        id: chunks[0].id,
        object: "text_completion",
        created: chunks[0].created,
        model: "gpt2",
        choices: [],
        usage,
      });
    }
    const plain = parseChunks((await postStream(server.url, { ...request, stream: true })).events);
    expect(plain.every((chunk) => chunk.choices.length === 1 && chunk.usage === null)).toBe(true);
  });

  it("puts running usage on every chunk with continuous_usage_stats", async () => {
    const options = { include_usage: true, continuous_usage_stats: true };
    const reply = await postStream(server.url, { prompt: `${marker()} Once`, max_tokens: 3, stream: true, stream_options: options });
    const completionTokens = parseChunks(reply.events).map((chunk) => chunk.usage.completion_tokens);
    expect(completionTokens).toEqual([1, 2, 3, 3]);
  });

  it("streams every prompt's n choices with vLLM's indices, each finished once", async () => {
    const request = { prompt: [`${marker()} a`, `${marker()} b`], n: 2, max_tokens: 3, seed: 1, stream: true };
    const chunks = parseChunks((await postStream(server.url, request)).events);
    const finished = chunks.flatMap((chunk) => chunk.choices.filter((choice: any) => choice.finish_reason !== null));
    expect(finished.map((choice: any) => choice.index)).toEqual([0, 1, 2, 3]);
  });

  it("echoes the prompt on the first chunk only", async () => {
    const prompt = `${marker()} The cat`;
    const chunks = parseChunks((await postStream(server.url, { prompt, max_tokens: 2, echo: true, logprobs: 0, stream: true })).events);
    expect(chunks[0].choices[0].text.startsWith(prompt)).toBe(true);
    expect(chunks[0].choices[0].logprobs.token_logprobs[0]).toBeNull();
    expect(chunks[1].choices[0].text.includes(prompt)).toBe(false);
  });

  it("never splits a character across chunks", async () => {
    const m = marker();
    await postScript(server.url, { contains: m, text: " café 😀 ok" });
    const request = { prompt: `${m}`, max_tokens: 12, temperature: 0 };
    const whole = (await postCompletion(server.url, request)).body.choices[0].text;
    const texts = parseChunks((await postStream(server.url, { ...request, stream: true })).events).map((chunk) => chunk.choices[0].text);
    expect(texts.join("")).toBe(whole);
    expect(texts.some((text) => text.includes("\uFFFD"))).toBe(false);
  });

  it("answers request errors as JSON before any stream, as vLLM does", async () => {
    const wrongModel = await postStream(server.url, { model: "gpt3", prompt: "x", stream: true });
    expect(wrongModel.status).toBe(404);
    expect(wrongModel.contentType).toContain("application/json");
  });
});
