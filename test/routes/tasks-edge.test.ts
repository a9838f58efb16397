import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Env } from "../../src/config/env";
import { TASKS, TASK_NAMES } from "../../src/prompts/registry";
import { callWithEnv, postJson } from "../support/call-router";

// Every task on the edge backend inside workerd: the generated tiny GPT-2 from
// the local R2 bucket in its edge-ready ORT format (the golden outputs come from
// the plain ONNX file in Node), run by onnxruntime-web's precompiled wasm module.
const golden = inject("edgeGolden");
const edge = { backend: "edge" as const };

function readBinding(name: string): ArrayBuffer {
  const bytes: unknown = Reflect.get(env, name);
  if (!(bytes instanceof ArrayBuffer)) throw new Error(`${name} binding missing (see vitest.config.ts)`);
  return bytes;
}

beforeAll(async () => {
  const models = (env as unknown as Env).MODELS as R2Bucket;
  await models.put((env as unknown as Env).EDGE_MODEL_KEY as string, readBinding("TINY_GPT2_ORT"));
  await models.put("onnx/decoder_model_merged.onnx", readBinding("TINY_GPT2_ONNX"));
  await models.put("split/decoder_with_past_model.onnx", readBinding("TINY_GPT2_ONNX"));
  await models.put("split/decoder_model.onnx", readBinding("TINY_GPT2_FIRST_PASS_ONNX"));
  await models.put("quantized/decoder_model_merged_quantized.onnx", readBinding("TINY_GPT2_INT8_ONNX"));
  await models.put("quantized/decoder_model_merged_q4.onnx", readBinding("TINY_GPT2_Q4_ONNX"));
  await models.put("quantized/decoder_model_merged_quantized.ort", readBinding("TINY_GPT2_INT8_ORT"));
  await models.put("quantized/decoder_model_merged_q4.ort", readBinding("TINY_GPT2_Q4_ORT"));
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

  it("runs Optimum's split decoder pair from R2 with the same output", async () => {
    const [{ prompt, maxTokens, text }] = golden.greedy as [(typeof golden.greedy)[number]];
    const split = { EDGE_MODEL_KEY: "split/decoder_with_past_model.onnx", EDGE_FIRST_PASS_MODEL_KEY: "split/decoder_model.onnx" };
    const reply = await callWithEnv(split, "/v1/tasks/generate", { prompt, options: { ...edge, temperature: 0, max_tokens: maxTokens } });
    expect(reply.status).toBe(200);
    expect(reply.body.output.text).toBe(text);
  });

  it("runs a plain ONNX file too, with the same output as its ORT form", async () => {
    const [{ prompt, maxTokens, text }] = golden.greedy as [(typeof golden.greedy)[number]];
    const reply = await callWithEnv({ EDGE_MODEL_KEY: "onnx/decoder_model_merged.onnx" }, "/v1/tasks/generate", {
      prompt,
      options: { ...edge, temperature: 0, max_tokens: maxTokens },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.output.text).toBe(text);
  });

  it.each([
    ["int8 (DynamicQuantizeLinear + MatMulInteger)", "int8", "onnx", "quantized/decoder_model_merged_quantized.onnx"],
    ["q4 (MatMulNBits + GatherBlockQuantized)", "q4", "onnx", "quantized/decoder_model_merged_q4.onnx"],
    ["int8 in ORT format", "int8", "ort", "quantized/decoder_model_merged_quantized.ort"],
    ["q4 in ORT format", "q4", "ort", "quantized/decoder_model_merged_q4.ort"],
  ] as const)("a %s model decodes from R2 exactly as in Node", async (_name, variant, format, key) => {
    const variantGolden = format === "onnx" ? inject("tinyQuantized")[variant].golden : inject("tinyOrt")[variant].golden;
    for (const { prompt, maxTokens, text } of variantGolden.greedy) {
      const reply = await callWithEnv({ EDGE_MODEL_KEY: key }, "/v1/tasks/generate", {
        prompt,
        options: { ...edge, temperature: 0, max_tokens: maxTokens },
      });
      expect(reply.status).toBe(200);
      expect(reply.body.output.text).toBe(text);
    }
    const score = await callWithEnv({ EDGE_MODEL_KEY: key }, "/v1/tasks/score", { text: variantGolden.score.text, options: edge });
    expect(score.body.output.logprob).toBeCloseTo(variantGolden.score.logprob, 4);
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

  it("reports the edge model and its measured memory in /health once loaded", async () => {
    const response = await SELF.fetch("http://router.test/health?check=true");
    const body = (await response.json()) as { backends: Array<{ id: string; ok?: boolean; memory?: Record<string, number> }> };
    const bytes = readBinding("TINY_GPT2_ORT").byteLength;
    const reported = body.backends.find((backend) => backend.id === "edge");
    expect(reported).toMatchObject({ ok: true, memory: { model_mb: Math.round((bytes / 2 ** 20) * 10) / 10, context_tokens: 1024 } });
    // ORT's heap holds the model's bytes (one copy) and more; it is read from the live WebAssembly.Memory.
    expect(reported?.memory?.wasm_mb).toBeGreaterThan(bytes / 2 ** 20);
  });
});
