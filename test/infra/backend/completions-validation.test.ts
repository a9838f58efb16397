import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionsServer } from "../../../infra/backend/server";
import { postCompletion, startStub } from "./completions-client";

let server: CompletionsServer;
let guarded: CompletionsServer;
beforeAll(async () => {
  server = await startStub();
  guarded = await startStub({ apiKey: "sk-test", modelName: "gpt2-medium" });
});
afterAll(async () => {
  await Promise.all([server.close(), guarded.close()]);
});

function expectVllmError(reply: { status: number; body: any }, status: number, type: string, message: string | RegExp): void {
  expect(reply.status).toBe(status);
  expect(Object.keys(reply.body)).toEqual(["error"]);
  expect(reply.body.error).toMatchObject({ type, code: status });
  expect(reply.body.error.message).toMatch(message);
  expect(reply.body.error).toHaveProperty("param");
}

describe("request validation", () => {
  it.each([0, -3])("rejects max_tokens %i without echo", async (maxTokens) => {
    const reply = await postCompletion(server.url, { model: "gpt2", prompt: "Hi", max_tokens: maxTokens });
    expectVllmError(reply, 400, "BadRequestError", `max_tokens must be at least 1, got ${maxTokens}.`);
  });

  it("rejects prompts that overflow the context window with vLLM's message", async () => {
    const reply = await postCompletion(server.url, { model: "gpt2", prompt: " word".repeat(1000), max_tokens: 100 });
    expectVllmError(
      reply,
      400,
      "BadRequestError",
      "This model's maximum context length is 1024 tokens. However, you requested 1100 tokens (1000 in the messages, 100 in the completion). Please reduce the length of the messages or completion.",
    );
  });

  it("answers 404 for an unknown model", async () => {
    const reply = await postCompletion(server.url, { model: "gpt-4", prompt: "Hi" });
    expectVllmError(reply, 404, "NotFoundError", "The model `gpt-4` does not exist.");
  });

  it.each([
    ["bad JSON", '{"model": "gpt2", "prompt": ', /JSON decode error/],
    [
      "stream_options without stream",
      { model: "gpt2", prompt: "Hi", stream_options: { include_usage: true } },
      "Stream options can only be defined when `stream=True`.",
    ],
    [
      "logprobs above 20",
      { model: "gpt2", prompt: "Hi", logprobs: 21 },
      "Requested sample logprobs of 21, which is greater than max allowed: 20",
    ],
    ["negative logprobs", { model: "gpt2", prompt: "Hi", logprobs: -2 }, "`logprobs` must be a positive value or -1."],
    ["greedy n > 1", { model: "gpt2", prompt: "Hi", n: 2, temperature: 0 }, "n must be 1 when using greedy sampling, got 2."],
    ["negative temperature", { model: "gpt2", prompt: "Hi", temperature: -1 }, "temperature must be non-negative, got -1.0."],
    ["top_p of 0", { model: "gpt2", prompt: "Hi", top_p: 0 }, "top_p must be in (0, 1], got 0.0."],
    ["top_k below -1", { model: "gpt2", prompt: "Hi", top_k: -2 }, "top_k must be 0 (disable), or at least 1, got -2."],
    ["an empty stop string", { model: "gpt2", prompt: "Hi", stop: [""] }, "stop cannot contain an empty string."],
    ["an empty prompt", { model: "gpt2", prompt: "" }, "Either prompt or prompt_embeds must be provided and non-empty."],
    ["an out-of-vocabulary id", { model: "gpt2", prompt: [1, 50257] }, "Token id 50257 is out of vocabulary"],
    ["a mistyped field", { model: "gpt2", prompt: "Hi", max_tokens: "5" }, "max_tokens: Input should be a valid integer"],
  ])("rejects %s with 400", async (_name, body, message) => {
    expectVllmError(await postCompletion(server.url, body), 400, "BadRequestError", message);
  });

  it("ignores unknown fields and accepts top_k -1, a missing model and null max_tokens", async () => {
    const reply = await postCompletion(server.url, { prompt: "Hi", top_k: -1, max_tokens: null, frobnicate: true, user: "x" });
    expect(reply.status).toBe(200);
    expect(reply.body.usage.completion_tokens).toBe(16);
  });
});

describe("api key", () => {
  it("requires the bearer token on /v1 routes, as vLLM's --api-key does", async () => {
    const body = { model: "gpt2-medium", prompt: "Hi", max_tokens: 1 };
    expect(await postCompletion(guarded.url, body)).toEqual({ status: 401, body: { error: "Unauthorized" } });
    expect(await postCompletion(guarded.url, body, { authorization: "Bearer wrong" })).toEqual({
      status: 401,
      body: { error: "Unauthorized" },
    });
    expect((await postCompletion(guarded.url, body, { authorization: "Bearer sk-test" })).status).toBe(200);
    expect((await fetch(`${guarded.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/health`)).status).toBe(200);
  });
});
