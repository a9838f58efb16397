import { describe, expect, it } from "vitest";
import type { Decoding } from "../../../src/model/backend";
import { createGpuBackend } from "../../../src/model/gpu/gpu-backend";
import { failureOf } from "../../support/backend-failure";
import { stubUrl } from "../../support/call-router";
import { addScript, findRequests, uniqueMarker } from "../../support/stub-control";

const settings = { id: "gpu", weight: 1, baseUrl: stubUrl, model: "gpt2", timeoutMs: 5000, contextTokens: 1024 };
const streaming = createGpuBackend({ ...settings, stream: true });
const whole = createGpuBackend(settings);

describe("streamed generation", () => {
  it.each<[string, Decoding]>([
    ["greedy with a stop string", { strategy: "greedy", maxTokens: 12, stop: ["\n"] }],
    ["greedy to the token limit, with alternatives", { strategy: "greedy", maxTokens: 3, topLogprobs: 2 }],
    ["seeded top-k sampling", { strategy: "sample", maxTokens: 16, topK: 4, seed: 7 }],
  ])("assembles exactly the non-streamed generation: %s", async (_name, decoding) => {
    const marker = uniqueMarker("eq");
    await addScript(stubUrl, { contains: marker, text: " Paris, in France 😀\nQ: next", top_logprobs: [{ " Rome": -3 }] });
    const streamed = await streaming.generate(`${marker} Q: capital?\nA:`, decoding);
    expect(streamed).toEqual(await whole.generate(`${marker} Q: capital?\nA:`, decoding));
    expect(streamed.promptTokens).toBeGreaterThan(0);
  });

  it("asks for a stream with usage, and nothing of the kind when streaming is off or for scoring", async () => {
    const marker = uniqueMarker("body");
    await streaming.generate(marker, { strategy: "greedy", maxTokens: 2 });
    await whole.generate(marker, { strategy: "greedy", maxTokens: 2 });
    await streaming.score([{ context: marker, continuation: " x" }]);
    const [streamedBody, wholeBody, scoreBody] = (await findRequests(stubUrl, marker)).map((request) => request.body);
    expect(streamedBody).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    for (const body of [wholeBody, scoreBody]) {
      expect(body.stream).toBeUndefined();
      expect(body.stream_options).toBeUndefined();
    }
  });
});

describe("a stream that breaks is a retryable failure, never a shorter answer", () => {
  it.each([
    ["cut-stream", /^gpu: stream cut off: (connection lost|the stream ended without data: \[DONE\])/],
    ["stream-malformed", /^gpu: stream cut off: malformed chunk: not JSON/],
    ["stream-no-finish", /^gpu: stream cut off: data: \[DONE\] came before a finish_reason$/],
  ])("[[fault:%s]]", async (fault, message) => {
    const error = await failureOf(streaming.generate(`${uniqueMarker()} [[fault:${fault}]]`, { strategy: "greedy", maxTokens: 8 }));
    expect(error).toMatchObject({
      backend: "gpu",
      failure: "stream",
      isRetryable: true,
      details: { partial_text_chars: expect.any(Number) },
    });
    expect(error.message).toMatch(message);
  });

  it("counts the text that arrived before the cut", async () => {
    const marker = uniqueMarker("cut");
    await addScript(stubUrl, { contains: marker, text: " one two three four five six" });
    const error = await failureOf(streaming.generate(`${marker} [[fault:cut-stream]]`, { strategy: "greedy", maxTokens: 6 }));
    expect(error.details?.partial_text_chars).toBe(" one two".length);
  });

  it("a stream that stalls midway is a timeout once the timeout covers it", async () => {
    const quick = createGpuBackend({ ...settings, stream: true, timeoutMs: 300 });
    const started = Date.now();
    const error = await failureOf(quick.generate(`${uniqueMarker()} [[fault:stream-stall]]`, { strategy: "greedy", maxTokens: 8 }));
    expect(error).toMatchObject({ failure: "timeout", isRetryable: true });
    expect(error.message).toBe("gpu: no complete answer within 300 ms");
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("isRetryable", () => {
  it.each([
    ["429", true],
    ["500", true],
    ["reset", true],
    ["malformed", true],
    ["bad-shape", true],
  ])("is %s → %s, streamed or not", async (fault, retryable) => {
    for (const backend of [streaming, whole]) {
      const error = await failureOf(backend.generate(`${uniqueMarker()} [[fault:${fault}]]`, { strategy: "greedy", maxTokens: 2 }));
      expect(error.isRetryable).toBe(retryable);
    }
  });

  it("is false for a request the server rejects (4xx other than 429)", async () => {
    const error = await failureOf(
      createGpuBackend({ ...settings, model: "no-such-model" }).generate("x", { strategy: "greedy", maxTokens: 2 }),
    );
    expect(error).toMatchObject({ failure: "http", statusCode: 404, isRetryable: false });
    expect(error.responseBody).toContain("no-such-model");
  });

  it("is false when the caller cancels", async () => {
    const error = await failureOf(
      streaming.generate(`${uniqueMarker()} [[fault:stream-stall]]`, { strategy: "greedy", maxTokens: 8 }, AbortSignal.timeout(100)),
    );
    expect(error.message).toBe("gpu: request cancelled");
    expect(error).toMatchObject({ failure: "cancelled", isRetryable: false });
  });
});

describe("other servers' streams", () => {
  /** A backend whose server answers every request with this SSE body. */
  const answering = (sse: string) =>
    createGpuBackend({ ...settings, stream: true }, async () => new Response(sse, { headers: { "content-type": "text/event-stream" } }));
  const chunk = (text: string, finish: string | null, extra = "") =>
    `data: {"choices":[{"index":0,"text":${JSON.stringify(text)},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}]${extra}}\n\n`;

  it("reads TGI's empty finish_reason as unfinished and its reason and usage on the last chunk", async () => {
    const sse =
      chunk(" Hel", "") +
      chunk("lo", "") +
      chunk("!", "eos_token", ',"usage":{"prompt_tokens":3,"completion_tokens":3}') +
      "data: [DONE]\n\n";
    expect(await answering(sse).generate("x", { strategy: "greedy", maxTokens: 8 })).toEqual({
      text: " Hello!",
      finishReason: "stop",
      promptTokens: 3,
      completionTokens: 3,
    });
  });

  it.each([
    ["vLLM's error chunk", 'data: {"error":{"message":"engine died","code":500}}\n\n', "engine died"],
    ["older vLLM's error chunk", 'data: {"object":"error","message":"engine died","code":500}\n\n', "engine died"],
    [
      "TGI's error chunk",
      'data: {"error":"Request failed during generation","error_type":"generation"}\n\n',
      "Request failed during generation",
    ],
    ["an error event", 'event: error\ndata: {"code":500}\n\n', '{"code":500}'],
  ])("turns %s into a cut-off stream", async (_name, failure, message) => {
    const error = await failureOf(
      answering(`${chunk(" Hel", null) + failure}data: [DONE]\n\n`).generate("x", { strategy: "greedy", maxTokens: 8 }),
    );
    expect(error.message).toBe(`gpu: stream cut off: server error: ${message}`);
    expect(error).toMatchObject({ isRetryable: true, details: { partial_text_chars: 4 } });
  });
});
