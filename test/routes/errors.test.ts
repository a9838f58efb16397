import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { callWithEnv, postJson, stubUrl } from "../support/call-router";
import { uniqueMarker } from "../support/stub-control";

async function send(path: string, init: RequestInit): Promise<{ status: number; body: any; type: string | null }> {
  const response = await SELF.fetch(`http://router.test${path}`, init);
  return { status: response.status, body: await response.json(), type: response.headers.get("content-type") };
}

function expectError(reply: { status: number; body: any }, status: number, type: string): void {
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({ error: expect.objectContaining({ type, message: expect.any(String) }) });
}

describe("client errors", () => {
  it("malformed JSON is a 400", async () => {
    const reply = await send("/v1/tasks/answer", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"question": ',
    });
    expectError(reply, 400, "invalid_json");
    expect(reply.type).toContain("application/json");
  });

  it.each([
    ["a missing field", "/v1/tasks/answer", {}, ["question"]],
    ["an empty text", "/v1/tasks/summarize", { text: "   " }, ["text"]],
    ["a number for text", "/v1/tasks/score", { text: 5 }, ["text"]],
    ["an empty candidate", "/v1/tasks/choose", { text: "a ___ b", candidates: ["x", ""] }, ["candidates", "1"]],
    ["no blank", "/v1/tasks/choose", { text: "no blank", candidates: ["x", "y"] }, ["text"]],
    ["an unknown option", "/v1/tasks/generate", { prompt: "hi", options: { temprature: 1 } }, ["options", "temprature"]],
    ["an unknown field", "/v1/tasks/answer", { question: "hi", exmples: [] }, ["exmples"]],
    ["a bad backend", "/v1/tasks/generate", { prompt: "hi", options: { backend: "tpu" } }, ["options", "backend"]],
    ["negative max_tokens", "/v1/tasks/generate", { prompt: "hi", options: { max_tokens: -1 } }, ["options", "max_tokens"]],
  ])("%s is a 422 naming the path", async (_name, path, body, failingPath) => {
    const reply = await postJson(path, body);
    expectError(reply, 422, "invalid_request");
    expect(reply.body.error.details.path).toEqual(failingPath);
    expect(reply.body.error.param).toBe(failingPath.join("."));
  });

  it("an option sent beside the input is a 422 that says where options go", async () => {
    const reply = await postJson("/v1/tasks/summarize", { text: "A long article.", max_tokens: 20, temprature: 1 });
    expectError(reply, 422, "invalid_request");
    expect(reply.body.error.param).toBe("max_tokens");
    expect(reply.body.error.message).toBe(
      `max_tokens: unknown field (also unknown: 'temprature'); task options go under "options": {"options": {"max_tokens": ...}}`,
    );
    expect(reply.body.error.details.issues).toEqual([{ path: ["max_tokens"], message: "unknown field (also unknown: 'temprature')" }]);
    const misspelt = await postJson("/v1/tasks/summarize", { text: "A long article.", lenght: 20 });
    expect(misspelt.body.error.message).toBe("lenght: unknown field");
    // zod lists the fields' own failures first; the hint still comes.
    const alone = await postJson("/v1/tasks/summarize", { max_tokens: 20 });
    expect(alone.body.error.param).toBe("text");
    expect(alone.body.error.message).toMatch(/^text: .*; task options go under "options"/);
  });

  it("a JSON array body is a 422", async () => {
    expectError(await postJson("/v1/tasks/answer", ["question"]), 422, "invalid_request");
  });

  it("max_tokens at or beyond the context is a 422", async () => {
    const reply = await postJson("/v1/tasks/generate", { prompt: "hi", options: { max_tokens: 1024 } });
    expectError(reply, 422, "invalid_request");
    expect(reply.body.error.details.path).toEqual(["options", "max_tokens"]);
  });

  it("too many candidates is a 422 naming the limit", async () => {
    const candidates = Array.from({ length: 33 }, (_, index) => `c${index}`);
    const reply = await postJson("/v1/tasks/choose", { text: "The ___ sat.", candidates });
    expectError(reply, 422, "invalid_request");
    expect(reply.body.error.details).toMatchObject({ path: ["candidates"], limit: 32 });
  });

  it("an unsupported language pair without examples is a 422", async () => {
    const reply = await postJson("/v1/tasks/translate", { text: "Hallo", from: "de", to: "it" });
    expectError(reply, 422, "invalid_request");
  });

  it("an unknown task is a 404 listing the tasks", async () => {
    const reply = await postJson("/v1/tasks/dance", { text: "x" });
    expectError(reply, 404, "not_found");
    expect(reply.body.error.details.tasks).toContain("summarize");
  });

  it("a path below a task is a plain 404, not an unknown task; POST /v1/tasks itself a 405", async () => {
    const below = await postJson("/v1/tasks/answer/extra", { question: "x" });
    expectError(below, 404, "not_found");
    expect(below.body.error.details).toBeUndefined();
    const catalog = await postJson("/v1/tasks", { question: "x" });
    expectError(catalog, 405, "method_not_allowed");
    expect(catalog.body.error.details).toEqual({ allow: ["GET", "HEAD"] });
  });

  it("an unknown path is a JSON 404", async () => {
    expectError(await send("/nowhere", { method: "GET" }), 404, "not_found");
  });

  it("a compressed body is a 415: the router never decodes one, so it must not read its bytes as JSON", async () => {
    const body = new Blob([JSON.stringify({ question: "Who wrote Hamlet?" })]).stream().pipeThrough(new CompressionStream("gzip"));
    const reply = await send("/v1/tasks/answer", {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: await new Response(body).arrayBuffer(),
    });
    expectError(reply, 415, "unsupported_media_type");
    expect(reply.body.error.message).toContain("'gzip'");
    const identity = await send("/v1/tasks/answer", {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "identity" },
      body: JSON.stringify({}),
    });
    expectError(identity, 422, "invalid_request");
    // A stray header on a request without a body changes nothing.
    expect((await SELF.fetch("http://router.test/v1/models", { headers: { "content-encoding": "gzip" } })).status).toBe(200);
  });

  it("a body over the limit is a 413", async () => {
    const reply = await postJson("/v1/tasks/summarize", { text: "x".repeat(300_000) });
    expectError(reply, 413, "payload_too_large");
    expect(reply.body.error.details.limit).toBe(262144);
  });

  it("the edge backend without its model in R2 is a 503 naming the key, not retried", async () => {
    const reply = await callWithEnv({ EDGE_MODEL_KEY: "nowhere/model.onnx" }, "/v1/tasks/generate", {
      prompt: "hi",
      options: { backend: "edge" },
    });
    expectError(reply, 503, "backend_unavailable");
    expect(reply.body.error.message).toContain("nowhere/model.onnx");
    expect(reply.body.error.details.attempts).toHaveLength(1);
  });

  it("the edge backend without a MODELS bucket is a 503", async () => {
    const reply = await callWithEnv({ MODELS: undefined }, "/v1/tasks/generate", { prompt: "hi", options: { backend: "edge" } });
    expectError(reply, 503, "backend_unavailable");
  });
});

describe("backend failures", () => {
  const gpu = { backend: "gpu" as const };
  type AttemptBody = { backend: string; status: string; error?: string };
  // Each test fails its own backend (circuit state is per backend id), so none opens a circuit another uses.
  const ownGpu = (name: string, extra: Record<string, unknown> = {}) => ({
    GPU_BACKENDS: JSON.stringify([{ name, url: stubUrl, ...extra }]),
  });

  it.each([
    ["an HTTP 500", "500"],
    ["an HTTP 429", "429"],
    ["truncated JSON", "malformed"],
    ["JSON of the wrong shape", "bad-shape"],
    ["a reset connection", "reset"],
  ])("%s is retried, then a 502 listing every attempt", async (_name, fault) => {
    const reply = await callWithEnv(ownGpu(fault), "/v1/tasks/answer", {
      question: `[[fault:${fault}]] ${uniqueMarker("f")}`,
      options: gpu,
    });
    expectError(reply, 502, "backend_error");
    const attempts = reply.body.error.details.attempts as AttemptBody[];
    const tried = [`gpu:${fault}`, "error"];
    expect(attempts.map((attempt) => [attempt.backend, attempt.status])).toEqual([tried, tried, tried]);
  });

  it("a hanging backend is a 504 after GPU_TIMEOUT_MS per try", async () => {
    const reply = await callWithEnv({ ...ownGpu("hang"), GPU_TIMEOUT_MS: "300", RETRY_MAX_TRIES: "2" }, "/v1/tasks/answer", {
      question: "[[fault:hang]] why?",
      options: gpu,
    });
    expectError(reply, 504, "backend_timeout");
    const attempts = reply.body.error.details.attempts as AttemptBody[];
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.error).toContain("300 ms");
  });

  it("a refused connection is a 502", async () => {
    const reply = await callWithEnv(
      { GPU_BACKENDS: JSON.stringify([{ name: "refused", url: "http://127.0.0.1:9" }]) },
      "/v1/tasks/answer",
      { question: "q?", options: gpu },
    );
    expectError(reply, 502, "backend_error");
  });

  it("a backend that rejects the request (4xx) is not retried", async () => {
    const reply = await callWithEnv(ownGpu("rejects", { model: "no-such-model" }), "/v1/tasks/answer", { question: "q?", options: gpu });
    expectError(reply, 502, "backend_error");
    const attempts = reply.body.error.details.attempts as AttemptBody[];
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.error).toContain("HTTP 404");
  });

  it("asking for the GPU when none is configured is a 503", async () => {
    const reply = await callWithEnv({ GPU_BASE_URL: "" }, "/v1/tasks/answer", { question: "q?", options: gpu });
    expectError(reply, 503, "backend_unavailable");
  });
});

describe("protocol errors", () => {
  it("a body that is not declared as JSON is a 415", async () => {
    const reply = await send("/v1/tasks/answer", { method: "POST", headers: { "content-type": "text/plain" }, body: '{"question":"q"}' });
    expectError(reply, 415, "unsupported_media_type");
  });

  it("GET on a task is a 405 that allows POST", async () => {
    const reply = await SELF.fetch("http://router.test/v1/tasks/answer");
    expectError({ status: reply.status, body: await reply.json() }, 405, "method_not_allowed");
    expect(reply.headers.get("allow")).toBe("POST");
  });

  it.each([
    ["GET", "/v1/completions", "POST"],
    ["DELETE", "/v1/models", "GET, HEAD"],
    ["PUT", "/v1/files/file-0123", "DELETE, GET, HEAD"],
    ["GET", "/v1/batches/batch_0123/cancel", "POST"],
    ["POST", "/health", "GET, HEAD"],
    ["OPTIONS", "/v1/completions", "POST"],
  ])("%s %s, a path served with other methods, is a 405 whose Allow lists them", async (method, path, allow) => {
    const reply = await SELF.fetch(`http://router.test${path}`, { method });
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe(allow);
    const body = (await reply.json()) as any;
    expect(body.error).toMatchObject({ type: "method_not_allowed", details: { allow: allow.split(", ") } });
    expect(body.error.message).toBe(`${method} is not allowed on ${path}; it takes ${allow}`);
  });

  it("HEAD is answered wherever GET is, and a 405 where only POST is", async () => {
    expect((await SELF.fetch("http://router.test/health", { method: "HEAD" })).status).toBe(200);
    const post = await SELF.fetch("http://router.test/v1/completions", { method: "HEAD" });
    expect([post.status, post.headers.get("allow")]).toEqual([405, "POST"]);
  });
});
