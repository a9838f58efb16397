import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config/env";
import { freeMemoryMb, planEdgeContext, planWasmReservation } from "../../src/model/edge/memory-budget";
import { callWithEnv } from "../support/call-router";

// The generated tiny model in ORT format is about 6.5 MiB; its cache costs 512 bytes a token
// (2 layers × key and value × 2 heads × 16 × 4 bytes) and its logits 201,028 bytes a token.
// The measured costs are set here, so the tests do not move when the defaults are re-measured.
const MIB = 2 ** 20;
const costs = { kvBytesPerToken: 512, logitsBytesPerToken: 50257 * 4 };
const measured = { EDGE_MEMORY_RUNTIME_MB: "4", EDGE_MEMORY_JS_MB: "2" };
let fileBytes = 0;

beforeAll(async () => {
  const bytes = Reflect.get(env, "TINY_GPT2_ORT") as ArrayBuffer;
  fileBytes = bytes.byteLength;
  await (env as unknown as Env).MODELS?.put("budget/decoder_model_merged.ort", bytes);
});

const edge = { EDGE_MODEL_KEY: "budget/decoder_model_merged.ort", TASK_BACKENDS: "", ...measured };
const budgetOf = (budgetMb: number) => ({ budgetMb, runtimeMb: 4, jsHeapMb: 2 });

describe("the edge memory plan", () => {
  it("splits the free memory between ORT's heap and the JS side", () => {
    const budget = { budgetMb: 128, runtimeMb: 14, jsHeapMb: 10 };
    const file = 81 * MIB;
    expect(freeMemoryMb(file, budget)).toBe(23);
    expect(planWasmReservation(file, budget)).toBe((81 + 14 + 11.5) * MIB);
    expect(planWasmReservation(file, { ...budget, budgetMb: 4096 })).toBe(0);
    // Four copies of the cache and two of an 8-token chunk's logits in the 23 MiB left.
    const context = planEdgeContext(file, { kvBytesPerToken: 36_864, logitsBytesPerToken: 201_028 }, budget, 8, 1024);
    expect(context).toBe(Math.floor((23 * MIB - 2 * 8 * 201_028) / (4 * 36_864)));
    expect(planEdgeContext(file, { kvBytesPerToken: 36_864, logitsBytesPerToken: 201_028 }, { ...budget, budgetMb: 4096 }, 8, 1024)).toBe(
      1024,
    );
  });

  it("admits the model within 128 MiB and reports its memory and the context that fits", async () => {
    const reply = await callWithEnv({ ...edge, EDGE_MEMORY_BUDGET_MB: "128" }, "/v1/tasks/score", {
      text: "The cat sat.",
      options: { backend: "edge" },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.backend).toBe("edge");
    const health = await callWithEnv({ ...edge, EDGE_MEMORY_BUDGET_MB: "128" }, "/health?check=true");
    const reported = health.body.backends.find((backend: { id: string }) => backend.id === "edge");
    expect(reported).toMatchObject({ ok: true, memory: { budget_mb: 128, context_tokens: 1024 } });
    expect(reported.memory.model_mb).toBeCloseTo(fileBytes / MIB, 1);
  });

  it("caps the context by memory and sends longer requests elsewhere", async () => {
    // 2.2 MiB left after the model: a 4-token chunk's logits (1.6 MB) and a few hundred tokens of cache.
    const budgetMb = fileBytes / MIB + 4 + 2 + 2.2;
    const vars = { ...edge, EDGE_MEMORY_BUDGET_MB: String(budgetMb) };
    const health = await callWithEnv(vars, "/health?check=true");
    const limit = health.body.backends.find((backend: { id: string }) => backend.id === "edge").memory.context_tokens;
    const chunk = Math.max(
      4,
      Math.min(64, Math.floor((freeMemoryMb(fileBytes, budgetOf(budgetMb)) * MIB) / 8 / (2 * costs.logitsBytesPerToken))),
    );
    expect(limit).toBe(planEdgeContext(fileBytes, costs, budgetOf(budgetMb), chunk, 1024));
    expect(limit).toBeLessThan(1024);
    const long = "word ".repeat(limit + 10);
    const refused = await callWithEnv(vars, "/v1/tasks/score", { text: long, options: { backend: "edge" } });
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toContain(`exceed the edge memory context of ${limit}`);
    // Routing knows the loaded model's limit and does not try the edge at all.
    const routed = await callWithEnv(vars, "/v1/tasks/score", { text: long });
    expect(routed.status).toBe(200);
    expect(routed.body.backend).toBe("gpu");
    expect(routed.body.route.reason).toBe(`${routed.body.usage.prompt_tokens} tokens exceed the edge memory context of ${limit}`);
    expect(routed.body.route.attempts).toHaveLength(1);
    // GET /v1/models tells OpenAI clients the same limit.
    const models = await callWithEnv(vars, "/v1/models");
    expect(models.body.data.find((model: { backend: string }) => model.backend === "edge").context_length).toBe(limit);
  });

  it("refuses a model that leaves no memory for a cache with both figures, before reading it", async () => {
    const vars = { ...edge, EDGE_MEMORY_BUDGET_MB: "10" };
    const reply = await callWithEnv(vars, "/v1/tasks/score", { text: "The cat sat.", options: { backend: "edge" } });
    expect(reply.status).toBe(503);
    const needed = (fileBytes / MIB + 6).toFixed(1);
    expect(reply.body.error.message).toContain(`needs ${needed} MiB before any cache`);
    expect(reply.body.error.message).toContain("over the edge memory budget of 10 MiB");
  });

  it("refuses a loaded model whose memory leaves too small a context, naming the figures", async () => {
    // 1 MiB left: less than a 4-token chunk's logits, so no context at all.
    const vars = { ...edge, EDGE_MEMORY_BUDGET_MB: String(fileBytes / MIB + 4 + 2 + 1) };
    const reply = await callWithEnv(vars, "/v1/tasks/score", { text: "The cat sat.", options: { backend: "edge" } });
    expect(reply.status).toBe(503);
    expect(reply.body.error.message).toMatch(
      /leaves room for 0 tokens of context within the edge memory budget of [\d.]+ MiB \(1\.0 MiB free after the model\), below the minimum of 16/,
    );
    const health = await callWithEnv(vars, "/health?check=true");
    expect(health.body.backends.find((backend: { id: string }) => backend.id === "edge")).toMatchObject({ ok: false });
  });

  it("routes edge tasks to the GPU once the edge model is refused", async () => {
    const vars = { ...edge, EDGE_MEMORY_BUDGET_MB: "11" };
    await callWithEnv(vars, "/v1/tasks/score", { text: "warm up the refusal", options: { backend: "edge" } });
    const reply = await callWithEnv(vars, "/v1/tasks/choose", { text: "The ___ sat.", candidates: ["cat", "dog"] });
    expect(reply.status).toBe(200);
    expect(reply.body.backend).toBe("gpu");
    expect(reply.body.route.plan).toEqual(["gpu", "edge"]);
    expect(reply.body.route.reason).toContain("no healthy edge backend, using gpu");
    const health = await callWithEnv(vars, "/health?check=true");
    expect(health.body.backends.find((backend: { id: string }) => backend.id === "edge")).toMatchObject({
      ok: false,
      detail: expect.stringContaining("over the edge memory budget of 11 MiB"),
    });
  });
});
