import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenizeGpt2 } from "../../../infra/backend/gpt2-vocab";
import type { CompletionsServer } from "../../../infra/backend/server";
import { stubTokenLogprob } from "../../../infra/backend/stub-logprob";
import { postCompletion, postScript, startStub } from "./completions-client";

let server: CompletionsServer;
beforeAll(async () => {
  server = await startStub();
});
afterAll(() => server.close());

async function complete(body: Record<string, unknown>): Promise<any> {
  const reply = await postCompletion(server.url, { model: "gpt2", ...body });
  expect(reply.status).toBe(200);
  return reply.body;
}

describe("seeds and greedy decoding", () => {
  it("gives the same greedy text whatever the seed", async () => {
    const texts = await Promise.all(
      [1, 2, 3].map(async (seed) => (await complete({ prompt: "Once upon", temperature: 0, seed, max_tokens: 12 })).choices[0].text),
    );
    expect(new Set(texts).size).toBe(1);
  });

  it("repeats sampled text for a seed and usually changes it across seeds", async () => {
    const sample = async (seed: number) =>
      (await complete({ prompt: "Once upon", temperature: 0.8, seed, max_tokens: 12 })).choices[0].text;
    expect(await sample(42)).toBe(await sample(42));
    const texts = await Promise.all([1, 2, 3, 4, 5].map(sample));
    expect(new Set(texts).size).toBeGreaterThan(1);
  });
});

describe("stop strings", () => {
  it("cuts the text before the stop string and reports it", async () => {
    const marker = "[stop-1]";
    await postScript(server.url, { contains: marker, text: " Paris is big.\nQ: next" });
    const body = await complete({ prompt: `Q: capital? ${marker}\nA:`, stop: ["\n", "Q:"], max_tokens: 20, logprobs: 0 });
    const [choice] = body.choices;
    expect(choice).toMatchObject({ text: " Paris is big.", finish_reason: "stop", stop_reason: "\n" });
    // vLLM keeps the token that spelled the stop string in the logprobs and the usage.
    expect(choice.logprobs.tokens).toEqual([" Paris", " is", " big", ".", "\n"]);
    expect(body.usage.completion_tokens).toBe(5);
  });

  it("finds a stop string spread over several tokens", async () => {
    const marker = "[stop-2]";
    await postScript(server.url, { contains: marker, text: " yes ###END### more" });
    const body = await complete({ prompt: `x ${marker}`, stop: "###END###", max_tokens: 20 });
    expect(body.choices[0]).toMatchObject({ text: " yes ", finish_reason: "stop", stop_reason: "###END###" });
  });

  it("finishes with length when max_tokens comes first", async () => {
    const body = await complete({ prompt: "Counting", temperature: 0, max_tokens: 3, stop: ["@@never@@"] });
    expect(body.choices[0]).toMatchObject({ finish_reason: "length", stop_reason: null });
    expect(body.usage.completion_tokens).toBe(3);
  });
});

describe("scripts", () => {
  it("generates the newest matching rule's text", async () => {
    const marker = "[script-1]";
    await postScript(server.url, { contains: marker, text: " old<|endoftext|>" });
    await postScript(server.url, { contains: marker, endsWith: "A:", text: " new<|endoftext|>" });
    expect((await complete({ prompt: `Q ${marker} A:` })).choices[0].text).toBe(" new");
    expect((await complete({ prompt: `Q ${marker} B:` })).choices[0].text).toBe(" old");
  });

  it("ends at <|endoftext|> with finish_reason stop and counts the end token", async () => {
    const marker = "[script-2]";
    await postScript(server.url, { contains: marker, text: " Positive<|endoftext|> ignored" });
    const body = await complete({ prompt: `Review ${marker}`, max_tokens: 10, logprobs: 1 });
    expect(body.choices[0]).toMatchObject({ text: " Positive", finish_reason: "stop", stop_reason: null });
    expect(body.choices[0].logprobs.tokens).toEqual([" Positive", "<|endoftext|>"]);
    expect(body.usage.completion_tokens).toBe(2);
  });

  it("ends a script without <|endoftext|> the same way, as a model emitting end-of-text", async () => {
    const marker = "[script-3]";
    await postScript(server.url, { contains: marker, text: " A B" });
    const body = await complete({ prompt: `x ${marker}`, max_tokens: 10, temperature: 0, logprobs: 0 });
    expect(body.choices[0]).toMatchObject({ text: " A B", finish_reason: "stop", stop_reason: null });
    expect(body.choices[0].logprobs.tokens).toEqual([" A", " B", "<|endoftext|>"]);
    expect(body.usage.completion_tokens).toBe(3);
  });

  it("cuts a script at max_tokens with finish_reason length", async () => {
    const marker = "[script-5]";
    await postScript(server.url, { contains: marker, text: " one two three" });
    const body = await complete({ prompt: `x ${marker}`, max_tokens: 2 });
    expect(body.choices[0]).toMatchObject({ text: " one two", finish_reason: "length" });
  });

  it("reports scripted top_logprobs and stub logprobs for unscripted tokens", async () => {
    const marker = "[script-4]";
    const prompt = `Sentiment ${marker}:`;
    await postScript(server.url, { contains: marker, text: " yes no", top_logprobs: [{ " yes": -0.2, " no": -1.8, " maybe": -3 }] });
    const { choices } = await complete({ prompt, max_tokens: 2, logprobs: 2 });
    const { tokens, token_logprobs: values, top_logprobs: tops } = choices[0].logprobs;
    expect(tokens).toEqual([" yes", " no"]);
    expect(values[0]).toBe(-0.2);
    expect(tops[0]).toEqual({ " yes": -0.2, " no": -1.8 });
    expect(values[1]).toBe(stubTokenLogprob(tokenizeGpt2(" yes")[0], tokenizeGpt2(" no")[0] ?? -1));
    expect(Object.keys(tops[1])[0]).toBe(" no");
  });

  it("rejects rules without a condition", async () => {
    expect((await postScript(server.url, { text: " everything" })).status).toBe(400);
    expect((await postScript(server.url, { contains: "x", text: 3 })).status).toBe(400);
  });
});
