import { createExecutionContext, env, SELF } from "cloudflare:test";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config/env";
import worker from "../../src/index";
import { createTestKey, testEnv, waitForRoomInWindow } from "../support/call-with-headers";
import { stubUrl } from "../support/call-router";
import { findRequests, uniqueMarker } from "../support/stub-control";

// The official client, unchanged, against the Worker in workerd: only its fetch is the test runner's.
const client = new OpenAI({
  apiKey: "unused",
  baseURL: "http://router.test/v1",
  maxRetries: 0,
  fetch: (input, init) => SELF.fetch(input, init),
});
const EDGE = "tiny-random-gpt2";

/** The official client, its requests reaching the Worker with some bindings replaced. */
const clientWith = (overrides: Partial<Env>, apiKey = "unused") =>
  new OpenAI({
    apiKey,
    baseURL: "http://router.test/v1",
    maxRetries: 0,
    fetch: async (input, init) =>
      worker.fetch(new Request(input, init) as Parameters<typeof worker.fetch>[0], { ...testEnv, ...overrides }, createExecutionContext()),
  });

beforeAll(async () => {
  const bytes = Reflect.get(env, "TINY_GPT2_ORT") as ArrayBuffer;
  await (env as unknown as Env).MODELS?.put((env as unknown as Env).EDGE_MODEL_KEY as string, bytes);
});

async function collect(stream: AsyncIterable<OpenAI.Completions.Completion>) {
  const chunks: OpenAI.Completions.Completion[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const texts = new Map<number, string>();
  for (const chunk of chunks) for (const choice of chunk.choices) texts.set(choice.index, (texts.get(choice.index) ?? "") + choice.text);
  return { chunks, texts };
}

describe("GET /v1/models", () => {
  it("lists the GPU model and the edge model in OpenAI's list shape", async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => [model.id, model.object, (model as unknown as { backend: string }).backend])).toEqual([
      ["gpt2", "model", "gpu"],
      [EDGE, "model", "edge"],
    ]);
  });

  it("retrieves one model as models.retrieve reads it, and answers an unknown one with OpenAI's 404", async () => {
    const listed = await client.models.list();
    for (const model of listed.data) expect(await client.models.retrieve(model.id)).toEqual(model);
    const missing = await client.models.retrieve("gpt-4").catch((reason: unknown) => reason);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, param: "model", code: "model_not_found" });
  });

  it("retrieves a model whose id holds a slash, encoded (as openai-node sends it) or not", async () => {
    const id = "openai-community/gpt2";
    const model = await clientWith({ GPU_MODEL: id }).models.retrieve(id);
    expect(model).toMatchObject({ id, object: "model", backend: "gpu" });
    const raw = await worker.fetch(
      new Request(`http://router.test/v1/models/${id}`) as Parameters<typeof worker.fetch>[0],
      { ...testEnv, GPU_MODEL: id },
      createExecutionContext(),
    );
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual(model);
  });
});

describe.each([
  ["gpu", "gpt2"],
  ["edge", EDGE],
])("POST /v1/completions on the %s backend", (kind, model) => {
  it("answers OpenAI's text_completion, with the route in a header", async () => {
    const { data, response } = await client.completions
      .create({ model, prompt: `${uniqueMarker("c")} Once upon a time`, max_tokens: 6, temperature: 0 })
      .withResponse();
    expect(data).toMatchObject({ object: "text_completion", model, choices: [{ index: 0, logprobs: null }] });
    expect(data.id).toMatch(/^cmpl-/);
    expect(["stop", "length"]).toContain(data.choices[0]?.finish_reason);
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    expect(response.headers.get("x-route")).toBe(kind);
  });

  it("streams the same text the whole answer has, then usage, then ends", async () => {
    const prompt = `${uniqueMarker("s")} The capital of France is`;
    const whole = await client.completions.create({ model, prompt, max_tokens: 8, temperature: 0 });
    const stream = await client.completions.create({
      model,
      prompt,
      max_tokens: 8,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const { chunks, texts } = await collect(stream);
    expect(texts.get(0)).toBe(whole.choices[0]?.text);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: whole.usage });
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === whole.choices[0]?.finish_reason)).toBe(true);
  });

  it("echoes the prompt with logprobs, the first prompt token without one", async () => {
    const prompt = "The cat sat on the";
    const answer = await client.completions.create({ model, prompt, max_tokens: 2, temperature: 0, echo: true, logprobs: 2 });
    const choice = answer.choices[0];
    expect(choice?.text.startsWith(prompt)).toBe(true);
    expect(choice?.logprobs?.token_logprobs?.[0]).toBeNull();
    expect(choice?.logprobs?.tokens?.join("")).toBe(choice?.text);
    expect(choice?.logprobs?.text_offset?.[1]).toBe(choice?.logprobs?.tokens?.[0]?.length);
    const last = choice?.logprobs?.token_logprobs?.at(-1) as number;
    expect(last).toBeLessThanOrEqual(0);
  });

  it("answers a prompt array and n with one choice each, indexed prompt by prompt", async () => {
    const answer = await client.completions.create({ model, prompt: ["Once", "Twice"], max_tokens: 2, temperature: 0.8, n: 2, seed: 3 });
    expect(answer.choices.map((choice) => choice.index)).toEqual([0, 1, 2, 3]);
  });
});

describe("errors the official client types", () => {
  it("an unknown model is a NotFoundError with OpenAI's param and code", async () => {
    const error = await client.completions.create({ model: "gpt-5", prompt: "x" }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "model_not_found", param: "model" });
  });

  it("a prompt over the context is a 422 naming max_tokens", async () => {
    const error = await client.completions.create({ model: EDGE, prompt: "x", max_tokens: 4096 }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect(error).toMatchObject({ code: "context_length_exceeded", param: "max_tokens" });
  });

  it.each([
    ["an empty prompt", ""],
    ["an empty prompt in a list", ["Once", ""]],
    ["a token id past GPT-2's vocabulary", [50257]],
    ["such an id in a list of token prompts", [[464, 3797], [99999]]],
  ])("%s is the client's 422 on either backend, not a backend failure the client would retry", async (_, prompt) => {
    for (const model of ["gpt2", EDGE]) {
      const error = await client.completions
        .create({ model, prompt: prompt as string, max_tokens: 2, temperature: 0 })
        .catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
      expect((error as Error).message).toMatch(/^422 prompt/);
      expect((error as InstanceType<typeof OpenAI.APIError>).param).toMatch(/^prompt(\.\d+)*$/);
    }
  });

  it("a stream that breaks after it started ends with an error event, never as a shorter answer", async () => {
    const stream = await client.completions.create({
      model: "gpt2",
      prompt: `${uniqueMarker("x")} [[fault:cut-stream]] Once`,
      max_tokens: 20,
      temperature: 0,
      stream: true,
    });
    const error = await collect(stream).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain("stream broke after it started");
  });

  it("a raw stream is OpenAI's: chunks, the usage chunk, then data: [DONE]", async () => {
    const response = await SELF.fetch("http://router.test/v1/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: EDGE,
        prompt: "Once",
        max_tokens: 3,
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = (await response.text()).split("\n\n").filter((event) => event !== "");
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.replace(/^data: /, "")));
    for (const chunk of chunks)
      expect(Object.keys(chunk).sort()).toEqual(
        chunk.usage ? ["choices", "created", "id", "model", "object", "usage"] : ["choices", "created", "id", "model", "object"],
      );
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) },
    });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it("a client that disconnects cancels the backend call: the stand-in sees its connection close", async () => {
    const marker = uniqueMarker("gone");
    const response = await SELF.fetch("http://router.test/v1/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt2",
        prompt: `${marker} [[fault:stream-stall]] Once`,
        max_tokens: 20,
        temperature: 0,
        stream: true,
      }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^data: \{"id":"cmpl-/);
    await reader.cancel();
    let closed = false;
    for (let tries = 0; tries < 50 && !closed; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      closed = (await findRequests(stubUrl, marker))[0]?.closedEarly === true;
    }
    expect(closed).toBe(true);
  });
});

describe("keys and rate limits, as the official client sees them", () => {
  it("a wrong key is an AuthenticationError, the right one answers", async () => {
    const { key, digest } = await createTestKey();
    const error = await clientWith({ API_KEYS: digest }, "zsr_wrong")
      .models.list()
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await clientWith({ API_KEYS: digest }, key).models.list()).object).toBe("list");
  });

  it("over the limit is a RateLimitError", async () => {
    await waitForRoomInWindow();
    const { key, digest } = await createTestKey();
    const limited = clientWith({ API_KEYS: digest, RATE_LIMITER: testEnv.TEST_RATE_LIMITER }, key);
    for (let call = 0; call < 3; call += 1) await limited.models.list();
    expect(await limited.models.list().catch((reason: unknown) => reason)).toBeInstanceOf(OpenAI.RateLimitError);
  }, 15_000);
});
