import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Env } from "../../src/env";
import { TASKS, TASK_NAMES } from "../../src/prompts/registry";
import { postJson } from "../support/call-router";

// Every task on the edge backend inside workerd: the generated tiny GPT-2 from
// the local R2 bucket, run by onnxruntime-web's precompiled wasm module.
const golden = inject("edgeGolden");
const edge = { backend: "edge" as const };

beforeAll(async () => {
  const bytes: unknown = Reflect.get(env, "TINY_GPT2_ONNX");
  if (!(bytes instanceof ArrayBuffer)) throw new Error("TINY_GPT2_ONNX binding missing (see vitest.config.ts)");
  await (env as unknown as Env).MODELS?.put("edge/decoder_model_merged.onnx", bytes);
});

describe("tasks on the edge backend", () => {
  it.each(TASK_NAMES)("%s answers from the edge model", async (name) => {
    const example = TASKS[name].example as Record<string, unknown>;
    const reply = await postJson(`/v1/tasks/${name}`, { ...example, options: { ...edge, seed: 1 } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ task: name, backend: "edge", model: "tiny-random-gpt2" });
    expect(TASKS[name].output.safeParse(reply.body.output).success).toBe(true);
    expect(reply.body.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it.each(golden.greedy)("greedy output for $prompt is the Node engine's, token for token", async ({ prompt, maxTokens, text }) => {
    const reply = await postJson("/v1/tasks/generate", { prompt, options: { ...edge, temperature: 0, max_tokens: maxTokens } });
    expect(reply.status).toBe(200);
    expect(reply.body.output.text).toBe(text);
  });

  it("scores like the Node engine", async () => {
    const reply = await postJson("/v1/tasks/score", { text: golden.score.text, options: edge });
    expect(reply.body.output.tokens).toBe(golden.score.tokens);
    expect(reply.body.output.logprob).toBeCloseTo(golden.score.logprob, 5);
  });

  it("seeded sampling is reproducible over HTTP", async () => {
    const body = { prompt: "It was a dark and stormy night;", options: { ...edge, temperature: 1, top_k: 50, seed: 1234, max_tokens: 10 } };
    const [first, second] = [await postJson("/v1/tasks/generate", body), await postJson("/v1/tasks/generate", body)];
    const other = await postJson("/v1/tasks/generate", { ...body, options: { ...body.options, seed: 99 } });
    expect(first.body.output.text).toBe(second.body.output.text);
    expect(other.body.output.text).not.toBe(first.body.output.text);
  });

  it("ranks choose candidates by the same log-likelihood score reports", async () => {
    // score conditions on <|endoftext|>; writing it into the choose text makes both condition alike.
    const text = "<|endoftext|>The cat sat on the ___.";
    const reply = await postJson("/v1/tasks/choose", { text, candidates: ["mat", "moon"], options: edge });
    const mat = await postJson("/v1/tasks/score", { text: "The cat sat on the mat.", options: edge });
    const prefix = await postJson("/v1/tasks/score", { text: "The cat sat on the", options: edge });
    const entry = reply.body.output.ranking.find((item: { candidate: string }) => item.candidate === "mat");
    expect(entry.logprob).toBeCloseTo(mat.body.output.logprob - prefix.body.output.logprob, 4);
  });

  it("reports the edge model in /health once loaded", async () => {
    const response = await SELF.fetch("http://router.test/health?check=true");
    const body = (await response.json()) as { backends: Array<{ id: string; ok?: boolean }> };
    expect(body.backends.find((backend) => backend.id === "edge")).toMatchObject({ ok: true });
  });
});
