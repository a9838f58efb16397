import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { estimateFootprintMb } from "../../src/model/edge/memory-budget";
import { callWithEnv } from "../support/call-router";

// The generated tiny model is 6.7 MB. The estimate's factor and base are set here, so the
// tests do not move when the defaults are re-fitted to new measurements.
let fileBytes = 0;
const estimate = { EDGE_MEMORY_BYTES_FACTOR: "2.5", EDGE_MEMORY_BASE_MB: "16" };

beforeAll(async () => {
  const bytes = Reflect.get(env, "TINY_GPT2_ONNX") as ArrayBuffer;
  fileBytes = bytes.byteLength;
  await (env as unknown as Env).MODELS?.put("budget/decoder_model_merged.onnx", bytes);
});

const edge = { EDGE_MODEL_KEY: "budget/decoder_model_merged.onnx", TASK_BACKENDS: "", ...estimate };

describe("the edge memory budget", () => {
  it("estimates a model's footprint from its file size", () => {
    expect(estimateFootprintMb(100 * 1024 * 1024, { budgetMb: 128, bytesFactor: 2.5, baseMb: 16 })).toBe(266);
  });

  it("refuses every model at the Worker's 128 MB with the measured defaults", async () => {
    const reply = await callWithEnv({ EDGE_MODEL_KEY: edge.EDGE_MODEL_KEY, EDGE_MEMORY_BUDGET_MB: "128" }, "/v1/tasks/score", {
      text: "The cat sat.",
      options: { backend: "edge" },
    });
    expect(reply.status).toBe(503);
    expect(reply.body.error.message).toMatch(/needs an estimated 31\d\.\d MB \(6\.\d MB file × 4\.3 \+ 290 MB\)/);
  });

  it("loads a model whose estimate fits a 128 MB budget", async () => {
    const reply = await callWithEnv({ ...edge, EDGE_MEMORY_BUDGET_MB: "128" }, "/v1/tasks/score", { text: "The cat sat.", options: { backend: "edge" } });
    expect(reply.status).toBe(200);
    expect(reply.body.backend).toBe("edge");
  });

  it("refuses a model over the budget with both figures, before reading it", async () => {
    const vars = { ...edge, EDGE_MEMORY_BUDGET_MB: "20" };
    const reply = await callWithEnv(vars, "/v1/tasks/score", { text: "The cat sat.", options: { backend: "edge" } });
    expect(reply.status).toBe(503);
    const needed = estimateFootprintMb(fileBytes, { budgetMb: 20, bytesFactor: 2.5, baseMb: 16 }).toFixed(1);
    expect(reply.body.error.message).toContain(`needs an estimated ${needed} MB`);
    expect(reply.body.error.message).toContain("over the edge memory budget of 20 MB");
  });

  it("routes edge tasks to the GPU once the edge model is refused", async () => {
    const vars = { ...edge, EDGE_MEMORY_BUDGET_MB: "21" };
    await callWithEnv(vars, "/v1/tasks/score", { text: "warm up the refusal", options: { backend: "edge" } });
    const reply = await callWithEnv(vars, "/v1/tasks/choose", { text: "The ___ sat.", candidates: ["cat", "dog"] });
    expect(reply.status).toBe(200);
    expect(reply.body.backend).toBe("gpu");
    expect(reply.body.route.plan).toEqual(["gpu", "edge"]);
    expect(reply.body.route.reason).toContain("no healthy edge backend, using gpu");
    const health = await callWithEnv(vars, "/health?check=true");
    expect(health.body.backends.find((backend: { id: string }) => backend.id === "edge")).toMatchObject({
      ok: false,
      detail: expect.stringContaining("over the edge memory budget of 21 MB"),
    });
  });
});
