import { createExecutionContext, SELF } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/config/env";
import worker from "../../src/index";
import { testEnv } from "../batch/batch-client";
import { uniqueMarker } from "../support/stub-control";

/** The JSON log lines a console.log spy saw (`any`: tests read arbitrary fields). */
const logLines = (spy: { mock: { calls: unknown[][] } }): any[] =>
  spy.mock.calls
    .map(([line]) => line)
    .filter((line): line is string => typeof line === "string" && line.startsWith("{"))
    .map((line) => JSON.parse(line));

afterEach(() => vi.restoreAllMocks());

async function post(path: string, body: unknown, headers: Record<string, string> = {}, env?: Partial<Env>) {
  const request = new Request(`http://router.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return env ? worker.fetch(request as never, { ...testEnv, ...env }, createExecutionContext()) : SELF.fetch(request);
}

describe("request ids and the per-request log line", () => {
  it("echoes a plain x-request-id and logs one JSON line with the run's facts, without the prompt", async () => {
    const spy = vi.spyOn(console, "log");
    const marker = uniqueMarker("log");
    const id = uniqueMarker("req-");
    const response = await post("/v1/tasks/answer", { question: `Who? ${marker}`, options: { backend: "gpu" } }, { "x-request-id": id });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe(id);
    const [line] = logLines(spy).filter((entry) => entry.request_id === id);
    expect(line).toMatchObject({
      level: "info",
      method: "POST",
      route: "/v1/tasks/answer",
      status: 200,
      task: "answer",
      backend: "gpu",
      attempts: [{ backend: "gpu", status: "ok" }],
    });
    expect(line.latency_ms).toBeGreaterThanOrEqual(0);
    expect(line.promptTokens).toBeGreaterThan(0);
    expect(JSON.stringify(line)).not.toContain(marker);
  });

  it("replaces an unusable x-request-id with a UUID, logs errors with their status, and puts the prompt in only with LOG_PROMPTS", async () => {
    const spy = vi.spyOn(console, "log");
    const refused = await post("/v1/tasks/answer", { question: "" }, { "x-request-id": "bad id with spaces" });
    expect(refused.status).toBe(422);
    const id = refused.headers.get("x-request-id") ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await refused.json<any>()).error.type).toBe("invalid_request");
    expect(logLines(spy).find((entry) => entry.request_id === id)).toMatchObject({ level: "warn", status: 422, task: "answer" });

    const marker = uniqueMarker("logp");
    const logged = await post(
      "/v1/tasks/answer",
      { question: `Why ${marker}?`, options: { backend: "gpu" } },
      { "x-request-id": marker },
      { LOG_PROMPTS: "true" },
    );
    expect(logged.status).toBe(200);
    expect(logLines(spy).find((entry) => entry.request_id === marker).prompt).toContain(`Q: Why ${marker}?\nA:`);
  });
});

describe("route labels", () => {
  it("name a route by its pattern without a parameter's regex, and every unrouted request alike", async () => {
    const spy = vi.spyOn(console, "log");
    const id = uniqueMarker("label-");
    expect((await SELF.fetch("http://router.test/v1/models/gpt2", { headers: { "x-request-id": id } })).status).toBe(200);
    expect(logLines(spy).find((entry) => entry.request_id === id)).toMatchObject({ route: "/v1/models/:model", status: 200 });
    for (const [path, method, status] of [
      ["/nowhere", "GET", 404],
      ["/v1/completions", "GET", 405],
    ] as const) {
      const unrouted = `${id}-${status}`;
      const response = await SELF.fetch(`http://router.test${path}`, { method, headers: { "x-request-id": unrouted } });
      expect(response.status).toBe(status);
      expect(logLines(spy).find((entry) => entry.request_id === unrouted)).toMatchObject({ route: "unmatched", status, level: "warn" });
    }
  });
});

describe("the log line of a streamed answer", () => {
  it("is written when the stream ends, with the backend, the tokens and the whole latency", async () => {
    const spy = vi.spyOn(console, "log");
    const id = uniqueMarker("stream-");
    const response = await post(
      "/v1/tasks/generate",
      { prompt: `Once ${id}`, options: { backend: "gpu", stream: true, max_tokens: 4 } },
      { "x-request-id": id },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe(id);
    // Nothing is logged until the stream has been read to its end.
    expect(logLines(spy).filter((entry) => entry.request_id === id)).toEqual([]);
    const text = await response.text();
    expect(text).toContain("event: done");
    await vi.waitFor(() => expect(logLines(spy).filter((entry) => entry.request_id === id)).toHaveLength(1));
    const [line] = logLines(spy).filter((entry) => entry.request_id === id);
    expect(line).toMatchObject({
      status: 200,
      task: "generate",
      streamed: true,
      backend: "gpu",
      attempts: [{ backend: "gpu", status: "ok" }],
    });
    expect(line.completionTokens).toBeGreaterThan(0);

    const completion = await post(
      "/v1/completions",
      { model: "gpt2", prompt: `Twice ${id}`, max_tokens: 3, stream: true },
      { "x-request-id": `${id}-c` },
    );
    await completion.text();
    await vi.waitFor(() =>
      expect(logLines(spy).find((entry) => entry.request_id === `${id}-c`)).toMatchObject({
        task: "completions",
        streamed: true,
        backend: "gpu",
      }),
    );
  });
});

describe("metrics", () => {
  it("writes one Analytics Engine data point per /v1 request and summarizes the window in GET /v1/metrics", async () => {
    const points: AnalyticsEngineDataPoint[] = [];
    const dataset = { writeDataPoint: (point: AnalyticsEngineDataPoint) => void points.push(point) } as AnalyticsEngineDataset;
    const marker = uniqueMarker("met");
    const response = await post("/v1/tasks/answer", { question: `How ${marker}?`, options: { backend: "gpu" } }, {}, { METRICS: dataset });
    expect(response.status).toBe(200);
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ indexes: ["answer"], blobs: ["answer", "gpu", "2xx", "/v1/tasks/answer"] });
    const [latency, promptTokens, completionTokens, status] = points[0]?.doubles ?? [];
    expect([latency! >= 0, promptTokens! > 0, completionTokens! > 0, status]).toEqual([true, true, true, 200]);

    const summary = await (await SELF.fetch("http://router.test/v1/metrics")).json<any>();
    expect(summary).toMatchObject({ window_seconds: 300 });
    const row = summary.rows.find((entry: any) => entry.task === "answer" && entry.backend === "gpu");
    expect(row.requests).toBeGreaterThanOrEqual(1);
    expect(row.latency_ms.p50).toBeLessThanOrEqual(row.latency_ms.p95);
    expect(row.prompt_tokens).toBeGreaterThan(0);
  });
});
