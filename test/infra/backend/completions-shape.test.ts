import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenizeGpt2 } from "../../../infra/backend/gpt2-vocab";
import type { CompletionsServer } from "../../../infra/backend/server";
import { stubTokenLogprob } from "../../../infra/backend/stub-logprob";
import { postCompletion, startStub } from "./completions-client";

let server: CompletionsServer;
beforeAll(async () => {
  server = await startStub();
});
afterAll(() => server.close());

const codePoints = (text: string): number => [...text].length;

describe("completions response shape", () => {
  it("answers with vLLM's text_completion object", async () => {
    const { status, body } = await postCompletion(server.url, { model: "gpt2", prompt: "Hello world", max_tokens: 3, temperature: 0 });
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(["choices", "created", "id", "model", "object", "usage"]);
    expect(body.id).toMatch(/^cmpl-[0-9a-f]{32}$/);
    expect(body).toMatchObject({ object: "text_completion", model: "gpt2" });
    expect(Number.isInteger(body.created)).toBe(true);
    expect(body.choices).toHaveLength(1);
    expect(Object.keys(body.choices[0]).sort()).toEqual(["finish_reason", "index", "logprobs", "stop_reason", "text"]);
    expect(body.choices[0]).toMatchObject({ index: 0, logprobs: null, finish_reason: "length", stop_reason: null });
    expect(body.usage).toEqual({ prompt_tokens: 2, total_tokens: 5, completion_tokens: 3 });
  });

  it("serves /v1/models and /health like vLLM", async () => {
    const models = await (await fetch(`${server.url}/v1/models`)).json();
    expect(models).toMatchObject({ object: "list", data: [{ id: "gpt2", object: "model", owned_by: "vllm", max_model_len: 1024 }] });
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("");
  });
});

describe("echo with logprobs", () => {
  it("aligns prompt then generated tokens with the text and the stub's logprobs", async () => {
    const prompt = "The quick brown fox";
    const ids = tokenizeGpt2(prompt);
    const { body } = await postCompletion(server.url, { model: "gpt2", prompt, max_tokens: 4, temperature: 0, echo: true, logprobs: 3 });
    const [choice] = body.choices;
    const { tokens, token_logprobs: values, text_offset: offsets, top_logprobs: tops } = choice.logprobs;
    expect(choice.text.startsWith(prompt)).toBe(true);
    expect(tokens.join("")).toBe(choice.text);
    expect(tokens).toHaveLength(ids.length + 4);
    expect(values[0]).toBeNull();
    expect(tops[0]).toBeNull();
    let offset = 0;
    tokens.forEach((token: string, index: number) => {
      expect(offsets[index]).toBe(offset);
      offset += codePoints(token);
    });
    ids.forEach((id, index) => {
      if (index > 0) expect(values[index]).toBe(stubTokenLogprob(ids[index - 1], id));
    });
    for (let index = 1; index < tokens.length; index += 1) {
      expect(Object.keys(tops[index]).length).toBeLessThanOrEqual(3);
      expect(tops[index][tokens[index]]).toBe(values[index]);
    }
  });

  it("returns only the prompt for echo with max_tokens 0, as vLLM does", async () => {
    const { status, body } = await postCompletion(server.url, { model: "gpt2", prompt: "A B", max_tokens: 0, echo: true, logprobs: 0 });
    expect(status).toBe(200);
    expect(body.choices[0].text).toBe("A B");
    expect(body.choices[0].logprobs.tokens).toEqual(["A", " B"]);
    expect(body.choices[0].logprobs.top_logprobs[1]).toEqual({ " B": body.choices[0].logprobs.token_logprobs[1] });
    // vLLM generates one token internally and still counts it.
    expect(body.usage).toEqual({ prompt_tokens: 2, total_tokens: 3, completion_tokens: 1 });
  });
});

describe("batched prompts and n", () => {
  it("orders choices by prompt and sums usage over every prompt and choice", async () => {
    const prompts = ["One", "Two three", "Four five six"];
    const { body } = await postCompletion(server.url, { model: "gpt2", prompt: prompts, max_tokens: 2, temperature: 0, echo: true });
    expect(body.choices.map((choice: { index: number }) => choice.index)).toEqual([0, 1, 2]);
    for (const [index, choice] of (body.choices as Array<{ text: string }>).entries())
      expect(choice.text.startsWith(prompts[index] ?? "?")).toBe(true);
    const promptTokens = prompts.reduce((sum, text) => sum + tokenizeGpt2(text).length, 0);
    expect(body.usage).toEqual({ prompt_tokens: promptTokens, completion_tokens: 6, total_tokens: promptTokens + 6 });
  });

  it("indexes n choices as promptIndex * n + j", async () => {
    const { body } = await postCompletion(server.url, {
      model: "gpt2",
      prompt: ["alpha", "beta"],
      n: 3,
      max_tokens: 5,
      seed: 7,
      echo: true,
    });
    expect(body.choices).toHaveLength(6);
    body.choices.forEach((choice: { index: number; text: string }, position: number) => {
      expect(choice.index).toBe(position);
      expect(choice.text.startsWith(position < 3 ? "alpha" : "beta")).toBe(true);
    });
    expect(body.usage.completion_tokens).toBe(30);
  });

  it("accepts token-id prompts and echoes their decoded text", async () => {
    const ids = tokenizeGpt2("Hello world");
    const { body } = await postCompletion(server.url, { model: "gpt2", prompt: [ids, ids], max_tokens: 1, temperature: 0, echo: true });
    expect(body.choices.map((choice: { text: string }) => choice.text.slice(0, 11))).toEqual(["Hello world", "Hello world"]);
    expect(body.usage.prompt_tokens).toBe(4);
  });
});
