import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detokenizeGpt2, gpt2TokenText, tokenizeGpt2 } from "../../../infra/backend/gpt2-vocab";
import { createOnnxEngine, type OnnxEngine } from "../../../infra/backend/onnx-engine";
import { openOnnxModel, type OnnxRuntimeName } from "../../../infra/backend/onnx-model";
import { startCompletionsServer, type CompletionsServer } from "../../../infra/backend/server";
import { loadModelFile } from "../../../infra/edge/load-model-file";
import { writeGeneratedModel } from "../../../infra/model/write-generated-model";
import type { Decoding } from "../../../src/model/backend";
import { generateIds, type GeneratedIds } from "../../../src/model/edge/generate-ids";
import type { Gpt2Runner } from "../../../src/model/edge/gpt2-runner";
import { scoreIds } from "../../../src/model/edge/score-ids";
import { FIXTURE_GREEDY } from "../../support/fixture-greedy";
import { postCompletion } from "./completions-client";

// The reference backend over real HTTP: the edge engine's code on onnxruntime-node
// and onnxruntime-web, checked against the edge engine itself (generateIds, scoreIds).
const FIXTURE_PATH = fileURLToPath(new URL("../../fixtures/tiny-random-gpt2-ort/past.onnx", import.meta.url));
const TINY_DIR = "node_modules/.cache/zeroshot-router/tiny-gpt2-seed1";
const RUNTIMES: OnnxRuntimeName[] = ["node", "web"];
const PROMPT = "The council voted on Tuesday to expand the bike lane network.";

interface Served {
  engine: OnnxEngine;
  server: CompletionsServer;
  /** The edge engine's runner on the same runtime and file, for expected values. */
  runner: Gpt2Runner;
}

const served = new Map<string, Served>();
const at = (model: "tiny" | "fixture", runtime: OnnxRuntimeName): Served => served.get(`${model}:${runtime}`) as Served;

beforeAll(async () => {
  const { modelPath: tinyPath } = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: TINY_DIR });
  for (const [model, modelPath] of [
    ["tiny", tinyPath],
    ["fixture", FIXTURE_PATH],
  ] as const) {
    for (const runtime of RUNTIMES) {
      const engine = await createOnnxEngine({ modelPath, runtime });
      const server = await startCompletionsServer({ engine, port: 0, maxModelLen: engine.contextTokens });
      // The web runner is loadModelFile's, exactly what `npm run model` and the Worker run.
      const runner = runtime === "web" ? (await loadModelFile(modelPath)).runner : (await openOnnxModel({ modelPath, runtime })).runner;
      served.set(`${model}:${runtime}`, { engine, server, runner });
    }
  }
}, 60_000);
afterAll(() => Promise.all([...served.values()].map(({ server }) => server.close())));

async function complete({ server }: Served, body: Record<string, unknown>): Promise<any> {
  const reply = await postCompletion(server.url, { model: "gpt2", ...body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
}

/** The token texts vLLM would list for a generateIds result: its ids already hold end-of-text, as vLLM counts it. */
function listTokens(out: GeneratedIds): string[] {
  return out.ids.map(gpt2TokenText);
}

describe("greedy completions", () => {
  it.each(RUNTIMES)("reproduce onnxruntime-genai's continuation of the fixture on onnxruntime-%s", async (runtime) => {
    const { prompt, continuation } = FIXTURE_GREEDY[1];
    const body = await complete(at("fixture", runtime), { prompt, max_tokens: 6, temperature: 0, logprobs: 0 });
    expect(body.choices[0]).toMatchObject({ text: detokenizeGpt2(continuation), finish_reason: "length" });
    expect(body.choices[0].logprobs.tokens).toEqual(continuation.map(gpt2TokenText));
    expect(body.usage).toEqual({ prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 });
  });

  it.each(RUNTIMES)("equal generateIds on the generated tiny model on onnxruntime-%s", async (runtime) => {
    const target = at("tiny", runtime);
    const decoding: Decoding = { strategy: "greedy", maxTokens: 24 };
    const expected = await generateIds(target.runner, tokenizeGpt2(PROMPT), decoding, {
      eosTokenId: target.engine.eosTokenId,
      decode: detokenizeGpt2,
    });
    const body = await complete(target, { prompt: PROMPT, max_tokens: 24, temperature: 0, logprobs: 0 });
    expect(body.choices[0].text).toBe(expected.text);
    expect(body.choices[0].logprobs.tokens).toEqual(listTokens(expected));
    expect(new Set(expected.ids).size).toBeGreaterThan(1);
  });

  it("are the same tokens on onnxruntime-node and onnxruntime-web", async () => {
    for (const prompt of [PROMPT, "Q: Who wrote Hamlet?\nA:", "<|endoftext|>"]) {
      const [node, web] = await Promise.all(
        RUNTIMES.map((runtime) => complete(at("tiny", runtime), { prompt, max_tokens: 48, temperature: 0, logprobs: 0 })),
      );
      expect(node.choices[0].logprobs.tokens).toEqual(web.choices[0].logprobs.tokens);
    }
  });
});

describe("stop strings", () => {
  it.each(RUNTIMES)(
    "end with the same text, stop reason and tokens as generateIds (the edge backend's usage) on onnxruntime-%s",
    async (runtime) => {
      const target = at("tiny", runtime);
      const options = { eosTokenId: target.engine.eosTokenId, decode: detokenizeGpt2 };
      const free = await generateIds(target.runner, tokenizeGpt2(PROMPT), { strategy: "greedy", maxTokens: 24 }, options);
      // Both stops end on the same character; the first listed starts later, so it wins (cut at 10) where
      // "earliest in the text" would cut at 6.
      const stop = [free.text.slice(10, 14), free.text.slice(6, 14)];
      const expected = await generateIds(target.runner, tokenizeGpt2(PROMPT), { strategy: "greedy", maxTokens: 24, stop }, options);
      expect(expected).toMatchObject({ text: free.text.slice(0, 10), finishReason: "stop", stopReason: stop[0] });
      const body = await complete(target, { prompt: PROMPT, max_tokens: 24, temperature: 0, logprobs: 0, stop });
      expect(body.choices[0]).toMatchObject({ text: expected.text, finish_reason: "stop", stop_reason: stop[0] });
      expect(body.choices[0].logprobs.tokens).toEqual(listTokens(expected));
      expect(body.usage.completion_tokens).toBe(expected.ids.length);
    },
  );
});

describe("seeded sampling", () => {
  const sampling = { temperature: 0.9, top_k: 40, top_p: 0.95, seed: 11 };

  it.each(RUNTIMES)("repeats for a seed and samples what generateIds samples with seed + index on onnxruntime-%s", async (runtime) => {
    const target = at("tiny", runtime);
    const body = { prompt: PROMPT, max_tokens: 12, n: 3, logprobs: 0, ...sampling };
    const [first, second] = [await complete(target, body), await complete(target, body)];
    expect(second.choices.map((choice: any) => choice.logprobs.tokens)).toEqual(first.choices.map((choice: any) => choice.logprobs.tokens));
    for (const [index, choice] of first.choices.entries()) {
      const decoding: Decoding = { strategy: "sample", maxTokens: 12, temperature: 0.9, topK: 40, topP: 0.95, seed: sampling.seed + index };
      const expected = await generateIds(target.runner, tokenizeGpt2(PROMPT), decoding, {
        eosTokenId: target.engine.eosTokenId,
        decode: detokenizeGpt2,
      });
      expect(choice.text).toBe(expected.text);
      expect(choice.logprobs.tokens).toEqual(listTokens(expected));
    }
    expect(new Set(first.choices.map((choice: any) => choice.text)).size).toBe(3);
  });
});

describe("logprobs", () => {
  it.each(RUNTIMES)("score echoed prompt tokens as scoreIds does, the first one null, on onnxruntime-%s", async (runtime) => {
    const target = at("tiny", runtime);
    const prompt = `<|endoftext|>${PROMPT}`;
    const ids = tokenizeGpt2(prompt);
    const [expected = []] = await scoreIds(target.runner, [{ ids, from: 1 }]);
    const body = await complete(target, { prompt, echo: true, logprobs: 1, max_tokens: 1, temperature: 0 });
    const logprobs = body.choices[0].logprobs;
    expect(logprobs.tokens.slice(0, ids.length)).toEqual(ids.map(gpt2TokenText));
    expect(logprobs.token_logprobs[0]).toBeNull();
    expect(logprobs.top_logprobs[0]).toBeNull();
    for (const [i, value] of expected.entries()) expect(logprobs.token_logprobs[i + 1]).toBeCloseTo(value, 5);
    for (let i = 1; i < ids.length; i += 1) {
      const top: Record<string, number> = logprobs.top_logprobs[i];
      expect(top[logprobs.tokens[i]]).toBe(logprobs.token_logprobs[i]);
      expect(Object.keys(top).length).toBeLessThanOrEqual(2);
    }
    expect(body.usage).toEqual({ prompt_tokens: ids.length, completion_tokens: 1, total_tokens: ids.length + 1 });
  });

  // Order is not checked: JSON objects list integer-like keys ("252") first whatever the insertion order.
  it("list a generated token and the most likely ones", async () => {
    const body = await complete(at("tiny", "node"), { prompt: PROMPT, max_tokens: 4, temperature: 0, logprobs: 3 });
    const { tokens, token_logprobs: chosen, top_logprobs: tops } = body.choices[0].logprobs;
    tops.forEach((top: Record<string, number>, i: number) => {
      const entries = Object.entries(top);
      expect(top[tokens[i]]).toBe(chosen[i]);
      expect(entries.length).toBeGreaterThanOrEqual(3);
      expect(entries.length).toBeLessThanOrEqual(4);
      // Greedy: the chosen token is the most likely one.
      expect(Math.max(...entries.map(([, value]) => value))).toBe(chosen[i]);
    });
  });
});

describe("concurrent requests", () => {
  it.each(RUNTIMES)("interleave on one onnxruntime-%s session without changing any answer", async (runtime) => {
    const target = at("tiny", runtime);
    const bodies = ["The council voted", "Hello there", "Q: Who?\nA:", "<|endoftext|>"].map((prompt, seed) => ({
      prompt,
      seed,
      max_tokens: 24,
      top_k: 40,
      logprobs: 2,
    }));
    const sequential = [];
    for (const body of bodies) sequential.push((await complete(target, body)).choices);
    const concurrent = await Promise.all(bodies.map(async (body) => (await complete(target, body)).choices));
    expect(concurrent).toEqual(sequential);
  });
});

describe("usage and vocabulary", () => {
  it("sums usage over prompts and samples", async () => {
    const prompts = [PROMPT, "Hello"];
    const body = await complete(at("tiny", "node"), { prompt: prompts, n: 2, max_tokens: 5, temperature: 1, seed: 3, logprobs: 0 });
    expect(body.choices).toHaveLength(4);
    const generated = body.choices.reduce((sum: number, choice: any) => sum + choice.logprobs.tokens.length, 0);
    const promptTokens = prompts.reduce((sum, prompt) => sum + tokenizeGpt2(prompt).length, 0);
    expect(body.usage).toEqual({ prompt_tokens: promptTokens, completion_tokens: generated, total_tokens: promptTokens + generated });
  });

  it("reads the fixture's vocabulary, context and end-of-text, and refuses text it cannot embed", async () => {
    const target = at("fixture", "node");
    expect(target.engine).toMatchObject({ vocabSize: 1000, contextTokens: 512, eosTokenId: 98 });
    const reply = await postCompletion(target.server.url, { model: "gpt2", prompt: "Hello world", max_tokens: 2 });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/out of vocabulary/);
  });
});
