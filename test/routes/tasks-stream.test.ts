import { createExecutionContext, env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config/env";
import worker from "../../src/index";
import { callWithEnv, stubUrl } from "../support/call-router";
import { uniqueMarker } from "../support/stub-control";

beforeAll(async () => {
  const bytes = Reflect.get(env, "TINY_GPT2_ORT") as ArrayBuffer;
  await (env as unknown as Env).MODELS?.put((env as unknown as Env).EDGE_MODEL_KEY as string, bytes);
});

/** POSTs a task and reads its whole event stream into `{ event, data }` pairs. */
async function streamTask(
  path: string,
  body: unknown,
): Promise<{ status: number; type: string | null; events: Array<{ event: string; data: any }> }> {
  const response = await SELF.fetch(`http://router.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const events = text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? "";
      return { event, data: JSON.parse(data) };
    });
  return { status: response.status, type: response.headers.get("content-type"), events };
}

describe("options.stream on the task endpoints", () => {
  it.each(["gpu", "edge"] as const)("streams pieces that join into the text, then the whole response (%s)", async (backend) => {
    const prompt = `${uniqueMarker("ts")} Once upon a time`;
    const options = { backend, max_tokens: 12, temperature: 0 };
    const whole = await callWithEnv({}, "/v1/tasks/generate", { prompt, options });
    const streamed = await streamTask("/v1/tasks/generate", { prompt, options: { ...options, stream: true } });
    expect(streamed.type).toBe("text/event-stream");
    const deltas = streamed.events.filter((event) => event.event === "delta");
    const done = streamed.events.at(-1);
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.map((event) => event.data.text).join("")).toBe(whole.body.output.text);
    expect(done?.event).toBe("done");
    expect(done?.data).toMatchObject({ task: "generate", output: whole.body.output, backend: whole.body.backend, usage: whole.body.usage });
  });

  it("sends the raw text as it comes and the post-processed answer at the end", async () => {
    const marker = uniqueMarker("sum");
    const { events } = await streamTask("/v1/tasks/answer", {
      question: `${marker} Who wrote Hamlet?`,
      options: { backend: "gpu", stream: true },
    });
    const done = events.at(-1);
    expect(done?.event).toBe("done");
    expect(typeof done?.data.output.answer).toBe("string");
  });

  it("ends with an error event when the backend breaks after the first piece", async () => {
    const { status, events } = await streamTask("/v1/tasks/generate", {
      prompt: `${uniqueMarker("cut")} [[fault:cut-stream]] Once`,
      options: { backend: "gpu", max_tokens: 20, temperature: 0, stream: true },
    });
    expect(status).toBe(200);
    expect(events.at(-1)).toMatchObject({ event: "error", data: { error: { type: "backend_error" } } });
    expect(events.at(-1)?.data.error.message).toContain("stream broke after it started");
  });

  it("fails over before the first piece: a refused server is replaced, the stream comes from the next", async () => {
    const gpus = JSON.stringify([
      { name: "down", url: "http://127.0.0.1:9", weight: 1000 },
      { name: "up", url: stubUrl, weight: 0.001 },
    ]);
    const request = new Request("http://router.test/v1/tasks/generate", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "Once", options: { backend: "gpu", max_tokens: 6, stream: true } }),
    });
    const response = await worker.fetch(
      request as Parameters<typeof worker.fetch>[0],
      { ...(env as unknown as Env), GPU_BACKENDS: gpus, RETRY_MAX_TRIES: "1" },
      createExecutionContext(),
    );
    expect(response.headers.get("x-route")).toBe("gpu:up");
    const text = await response.text();
    expect(text).toContain("event: done");
    expect(text).toContain('"attempts":[{"backend":"gpu:down","status":"error"');
  });

  it("answers with an error status when nothing could start", async () => {
    const gpus = JSON.stringify([{ name: "down", url: "http://127.0.0.1:9" }]);
    const reply = await callWithEnv({ GPU_BACKENDS: gpus, RETRY_MAX_TRIES: "1" }, "/v1/tasks/generate", {
      prompt: "x",
      options: { backend: "gpu", stream: true },
    });
    expect(reply.status).toBe(502);
  });

  it("refuses to stream a task that only scores, or together with escalation", async () => {
    const score = await callWithEnv({}, "/v1/tasks/score", { text: "The cat sat.", options: { stream: true } });
    expect(score.status).toBe(422);
    expect(score.body.error.details.path).toEqual(["options", "stream"]);
    const escalate = await callWithEnv({}, "/v1/tasks/answer", { question: "q?", options: { stream: true, escalate: true } });
    expect(escalate.status).toBe(422);
  });

  it("is refused in a batch item, which has nothing to stream into", async () => {
    const reply = await callWithEnv({}, "/v1/batch", {
      requests: [{ task: "generate", input: { prompt: "x" }, options: { stream: true } }],
    });
    expect(reply.body.results[0]).toMatchObject({ status: "error", error: { type: "invalid_request" } });
  });
});
