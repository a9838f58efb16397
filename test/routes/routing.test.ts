import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { Env } from "../../src/config/env";
import { callWithEnv } from "../support/call-router";
import { clearFaults, readStats, setFaults } from "../support/stub-control";

// Routing and fault handling inside workerd against real servers on 127.0.0.1:
// `faulty` is this file's own stub (server-wide faults), `healthy` a second one.
const faulty = inject("gpuBaseUrlRouting");
const healthy = inject("gpuBaseUrlB");
const tableDefaults = { TASK_BACKENDS: "" };
// Circuit state lives per isolate and per backend id, so every test that makes a backend fail names
// its own backend: no test can open a circuit another one uses.
const oneGpu = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify([{ name, url: faulty, ...extra }]);
const twoGpus = JSON.stringify([
  { name: "a", url: faulty, weight: 1000 },
  { name: "b", url: healthy, weight: 0.001 },
]);
type AttemptBody = { backend: string; status: string; error?: string };
const summarize = (attempts: AttemptBody[]) => attempts.map((attempt) => `${attempt.backend}:${attempt.status}`);

beforeAll(async () => {
  const bytes = Reflect.get(env, "TINY_GPT2_ORT") as ArrayBuffer;
  await (env as unknown as Env).MODELS?.put((env as unknown as Env).EDGE_MODEL_KEY as string, bytes);
});
afterEach(() => clearFaults(faulty));

describe("auto routing", () => {
  it("follows the task table: choose on the edge, answer on the GPU", async () => {
    const choose = await callWithEnv(tableDefaults, "/v1/tasks/choose", { text: "The ___ sat.", candidates: ["cat", "dog"] });
    expect(choose.body).toMatchObject({ backend: "edge", route: { plan: ["edge", "gpu"], reason: "task table: choose runs on edge" } });
    const answer = await callWithEnv(tableDefaults, "/v1/tasks/answer", { question: "Who wrote Hamlet?" });
    expect(answer.body).toMatchObject({ backend: "gpu", route: { plan: ["gpu", "edge"], reason: "task table: answer runs on gpu" } });
    expect(answer.headers.get("server-timing")).toMatch(/^a0-gpu;dur=\d+;desc="ok"$/);
  });

  it("sends an edge task to the GPU when it exceeds the edge token budget", async () => {
    const reply = await callWithEnv({ ...tableDefaults, EDGE_TOKEN_BUDGET: "5" }, "/v1/tasks/score", {
      text: "A sentence that is longer than five tokens, surely.",
    });
    expect(reply.body.backend).toBe("gpu");
    expect(reply.body.route.reason).toContain("exceed the edge budget of 5");
  });
});

describe("faults", () => {
  it("retries a 500 and succeeds on the same backend", async () => {
    await setFaults(faulty, { mode: "500", count: 1 });
    const reply = await callWithEnv({ GPU_BACKENDS: oneGpu("retry500") }, "/v1/tasks/answer", {
      question: "q?",
      options: { backend: "gpu" },
    });
    expect(reply.status).toBe(200);
    expect(summarize(reply.body.route.attempts)).toEqual(["gpu:retry500:error", "gpu:retry500:ok"]);
  });

  it("falls back GPU to GPU on a 4xx without retrying it", async () => {
    const gpus = JSON.stringify([
      { name: "fourxx", url: faulty, model: "missing", weight: 1000 },
      { name: "b", url: healthy, weight: 0.001 },
    ]);
    const reply = await callWithEnv({ GPU_BACKENDS: gpus }, "/v1/tasks/answer", { question: "q?", options: { backend: "gpu" } });
    expect(reply.status).toBe(200);
    expect(reply.body.backend).toBe("gpu:b");
    expect(summarize(reply.body.route.attempts)).toEqual(["gpu:fourxx:error", "gpu:b:ok"]);
  });

  it("falls back from a failing GPU to the edge model", async () => {
    await setFaults(faulty, { mode: "500" });
    const reply = await callWithEnv({ ...tableDefaults, GPU_BACKENDS: oneGpu("toedge") }, "/v1/tasks/answer", { question: "q?" });
    expect(reply.status).toBe(200);
    expect(reply.body.backend).toBe("edge");
    expect(summarize(reply.body.route.attempts)).toEqual(["gpu:toedge:error", "gpu:toedge:error", "gpu:toedge:error", "edge:ok"]);
  });

  it("treats an answer cut off mid-body as a failure, never as a shorter answer", async () => {
    const cut = await callWithEnv({ GPU_BACKENDS: oneGpu("cut") }, "/v1/tasks/generate", {
      prompt: "[[fault:cut-stream]] Once",
      options: { backend: "gpu", max_tokens: 20 },
    });
    expect(cut.status).toBe(502);
    expect(cut.body.error.message).toContain("connection failed");
    const fallback = await callWithEnv({ ...tableDefaults, GPU_BACKENDS: oneGpu("cut") }, "/v1/tasks/generate", {
      prompt: "[[fault:cut-stream]] Once",
      options: { max_tokens: 20 },
    });
    expect(fallback.status).toBe(200);
    expect(fallback.body.backend).toBe("edge");
  });

  it("answers 502 with every attempt when all backends fail, 504 when they time out", async () => {
    await setFaults(faulty, { mode: "500" });
    const failed = await callWithEnv({ GPU_BACKENDS: oneGpu("allfail") }, "/v1/tasks/answer", {
      question: "q?",
      options: { backend: "gpu" },
    });
    expect(failed.status).toBe(502);
    expect(summarize(failed.body.error.details.attempts)).toEqual(["gpu:allfail:error", "gpu:allfail:error", "gpu:allfail:error"]);
    await setFaults(faulty, { mode: "hang" });
    const slow = await callWithEnv({ GPU_BACKENDS: oneGpu("allfail", { timeout_ms: 150 }), RETRY_MAX_TRIES: "2" }, "/v1/tasks/answer", {
      question: "q?",
      options: { backend: "gpu" },
    });
    expect(slow.status).toBe(504);
    expect(slow.body.error.details.attempts).toHaveLength(2);
  });

  it("stops at the client's deadline", async () => {
    await setFaults(faulty, { mode: "hang" });
    const started = Date.now();
    const reply = await callWithEnv({ GPU_BACKENDS: oneGpu("deadline") }, "/v1/tasks/answer", {
      question: "q?",
      options: { backend: "gpu", deadline_ms: 300 },
    });
    expect(reply.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("opens the circuit after repeated failures, then half-opens after the cool-down", async () => {
    const vars = {
      ...tableDefaults,
      GPU_BACKENDS: oneGpu("breaker"),
      BREAKER_FAILURES: "2",
      BREAKER_COOLDOWN_MS: "400",
      RETRY_MAX_TRIES: "1",
    };
    await setFaults(faulty, { mode: "500" });
    for (let i = 0; i < 2; i += 1) {
      const reply = await callWithEnv(vars, "/v1/tasks/answer", { question: "q?" });
      expect(summarize(reply.body.route.attempts)).toEqual(["gpu:breaker:error", "edge:ok"]);
    }
    const open = await callWithEnv(vars, "/v1/tasks/answer", { question: "q?" });
    expect(open.body.route.plan).toEqual(["edge", "gpu:breaker"]);
    expect(open.body.route.reason).toContain("no healthy gpu backend");
    expect(summarize(open.body.route.attempts)).toEqual(["edge:ok"]);
    const before = (await readStats(faulty)).requests;
    const gpuOnly = await callWithEnv(vars, "/v1/tasks/answer", { question: "q?", options: { backend: "gpu" } });
    expect(gpuOnly.status).toBe(503);
    expect(summarize(gpuOnly.body.error.details.attempts)).toEqual(["gpu:breaker:skipped"]);
    expect((await readStats(faulty)).requests).toBe(before);
    await clearFaults(faulty);
    await new Promise((resolve) => setTimeout(resolve, 450));
    const halfOpen = await callWithEnv(vars, "/v1/tasks/answer", { question: "q?" });
    expect(summarize(halfOpen.body.route.attempts)).toEqual(["gpu:breaker:ok"]);
  });
});

describe("what counts against a circuit", () => {
  it("neither a client's short deadline nor a rejected request (4xx) opens the circuit", async () => {
    const vars = { GPU_BACKENDS: oneGpu("counts"), BREAKER_FAILURES: "2", BREAKER_COOLDOWN_MS: "60001", RETRY_MAX_TRIES: "1" };
    await setFaults(faulty, { mode: "hang" });
    for (let i = 0; i < 3; i += 1) {
      const reply = await callWithEnv(vars, "/v1/tasks/answer", { question: "q?", options: { backend: "gpu", deadline_ms: 50 } });
      expect(reply.status).toBe(504);
    }
    await clearFaults(faulty);
    const rejected = { ...vars, GPU_BACKENDS: oneGpu("counts", { model: "missing" }) };
    for (let i = 0; i < 3; i += 1) {
      expect((await callWithEnv(rejected, "/v1/tasks/answer", { question: "q?", options: { backend: "gpu" } })).status).toBe(502);
    }
    const after = await callWithEnv(vars, "/v1/tasks/answer", { question: "q?", options: { backend: "gpu" } });
    expect(after.status).toBe(200);
    expect(summarize(after.body.route.attempts)).toEqual(["gpu:counts:ok"]);
  });
});

describe("confidence escalation", () => {
  it("re-runs an unsure edge choice on the GPU and records both", async () => {
    const vars = { ...tableDefaults, GPU_BACKENDS: JSON.stringify([{ name: "b", url: healthy }]), ESCALATE_MIN_PROBABILITY: "0.999999" };
    const body = { text: "The ___ sat on the mat.", candidates: ["cat", "dog", "hat"], options: { escalate: true } };
    const reply = await callWithEnv(vars, "/v1/tasks/choose", body);
    expect(reply.status).toBe(200);
    expect(reply.body.backend).toBe("gpu:b");
    expect(reply.body.route.escalation).toMatchObject({ from: "edge", to: "gpu:b", threshold: 0.999999 });
    expect(reply.body.route.escalation.confidence).toBeLessThan(0.999999);
    expect(reply.body.route.escalation.edge_output.ranking).toHaveLength(3);
    expect(summarize(reply.body.route.attempts)).toEqual(["edge:ok", "gpu:b:ok"]);
  });

  it("keeps a confident edge answer, and never escalates without the option", async () => {
    const vars = { ...tableDefaults, GPU_BACKENDS: JSON.stringify([{ name: "b", url: healthy }]), ESCALATE_MIN_PROBABILITY: "0" };
    const sure = await callWithEnv(vars, "/v1/tasks/choose", {
      text: "The ___ sat.",
      candidates: ["cat", "dog"],
      options: { escalate: true },
    });
    expect(sure.body.backend).toBe("edge");
    expect(sure.body.route.escalation).toBeUndefined();
    const strict = { ...vars, ESCALATE_MIN_PROBABILITY: "1" };
    const off = await callWithEnv(strict, "/v1/tasks/choose", { text: "The ___ sat.", candidates: ["cat", "dog"] });
    expect(off.body.backend).toBe("edge");
  });

  it("escalates an answer whose mean token logprob is under the threshold", async () => {
    const vars = {
      TASK_BACKENDS: '{"answer":"edge"}',
      GPU_BACKENDS: JSON.stringify([{ name: "b", url: healthy }]),
      ESCALATE_MIN_MEAN_LOGPROB: "0",
    };
    const reply = await callWithEnv(vars, "/v1/tasks/answer", {
      question: "Who wrote Hamlet?",
      options: { escalate: true, max_tokens: 4 },
    });
    expect(reply.body.backend, JSON.stringify(reply.body)).toBe("gpu:b");
    expect(reply.body.route.escalation.confidence).toBeLessThan(0);
  });
});

describe("load", () => {
  it("answers or explicitly fails every one of 2,000 requests while a backend fails a third of the time", async () => {
    await setFaults(faulty, { mode: "500", rate: 1 / 3, seed: 11 });
    // What is measured is every request reaching the flaky server, so this test keeps its circuit closed.
    const vars = { GPU_BACKENDS: oneGpu("load"), RETRY_MAX_TRIES: "1", BREAKER_FAILURES: "1000" };
    const total = 2000;
    const counts = { ok: 0, backend_error: 0, other: 0 };
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next += 1;
        const reply = await callWithEnv(vars, "/v1/tasks/answer", { question: "q?", options: { backend: "gpu" } });
        if (reply.status === 200 && typeof reply.body.output?.answer === "string") counts.ok += 1;
        else if (reply.status === 502 && reply.body.error?.type === "backend_error") counts.backend_error += 1;
        else counts.other += 1;
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    const stats = await readStats(faulty);
    expect(counts.ok + counts.backend_error).toBe(total);
    expect(counts.other).toBe(0);
    expect(stats.requests).toBe(total);
    expect(stats.faulted).toBe(counts.backend_error);
    expect(counts.backend_error / total).toBeGreaterThan(0.28);
    expect(counts.backend_error / total).toBeLessThan(0.39);
  }, 120_000);
});

describe("health", () => {
  it("lists every configured GPU backend", async () => {
    const reply = await callWithEnv({ GPU_BACKENDS: twoGpus }, "/health");
    expect(reply.body.backends.map((backend: { id: string }) => backend.id)).toEqual(["gpu:a", "gpu:b", "edge"]);
  });
});
