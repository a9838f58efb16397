import { afterEach, describe, expect, inject, it } from "vitest";
import { createGpuBackend } from "../../../src/model/gpu/gpu-backend";
import { failureOf } from "../../support/backend-failure";
import { clearFaults, readStats, setFaults } from "../../support/stub-control";

// The only test file that sets faults on this server: files run in parallel.
const faultyUrl = inject("gpuBaseUrlFaulty");
const settings = { id: "gpu:faulty", weight: 1, baseUrl: faultyUrl, model: "gpt2", timeoutMs: 5000, contextTokens: 1024 };
const backend = createGpuBackend(settings);
const streaming = createGpuBackend({ ...settings, stream: true });
const greedy = { strategy: "greedy", maxTokens: 6 } as const;

afterEach(() => clearFaults(faultyUrl));

describe("a whole server misbehaving (POST /__stub/faults)", () => {
  it("cut-stream breaks every streamed generation and every scoring body, and the stats count them", async () => {
    await setFaults(faultyUrl, { mode: "cut-stream" });
    const generation = await failureOf(streaming.generate("Once upon a time", greedy));
    expect(generation.message).toMatch(/^gpu:faulty: stream cut off: /);
    expect(generation.isRetryable).toBe(true);
    const scoring = await failureOf(backend.score([{ context: "The cat", continuation: " sat" }]));
    expect(scoring.message).toMatch(/^gpu:faulty: connection failed: /);
    expect(scoring.isRetryable).toBe(true);
    expect(await readStats(faultyUrl)).toEqual({ requests: 2, faulted: 2, by_mode: { "cut-stream": 2 } });
  });

  it("a server failing every request with 500 reports itself unhealthy, and recovers when cleared", async () => {
    await setFaults(faultyUrl, { mode: "500" });
    expect(await backend.health()).toEqual({ ok: false, detail: "HTTP 503" });
    expect(await failureOf(backend.generate("x", greedy))).toMatchObject({ failure: "http", statusCode: 500, isRetryable: true });
    await clearFaults(faultyUrl);
    expect(await backend.health()).toEqual({ ok: true });
    expect((await backend.generate("x", greedy)).finishReason).toBe("length");
  });

  it("count limits the fault to the next requests", async () => {
    await setFaults(faultyUrl, { mode: "429", count: 1 });
    expect(await failureOf(backend.generate("x", greedy))).toMatchObject({ failure: "http", statusCode: 429, isRetryable: true });
    expect((await backend.generate("x", greedy)).text.length).toBeGreaterThan(0);
    expect(await readStats(faultyUrl)).toMatchObject({ requests: 2, faulted: 1 });
  });
});
