import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenizeGpt2 } from "../../../infra/backend/gpt2-vocab";
import type { CompletionsServer } from "../../../infra/backend/server";
import { postCompletion, startStub } from "./completions-client";

let server: CompletionsServer;
beforeAll(async () => {
  server = await startStub();
});
afterAll(() => server.close());

function postRaw(prompt: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt2", prompt, max_tokens: 2 }),
    ...init,
  });
}

describe("fault markers", () => {
  it.each([
    [500, "InternalServerError"],
    [429, "RateLimitError"],
  ])("[[fault:%i]] answers with that status and a vLLM error body", async (status, type) => {
    const reply = await postCompletion(server.url, { model: "gpt2", prompt: ["fine", `boom [[fault:${status}]]`] });
    expect(reply.status).toBe(status);
    expect(reply.body.error).toMatchObject({ type, code: status });
  });

  it("[[fault:malformed]] sends truncated JSON with status 200", async () => {
    const response = await postRaw("x [[fault:malformed]]");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"choices": [');
  });

  it("[[fault:bad-shape]] sends valid JSON of the wrong shape", async () => {
    const response = await postRaw("x [[fault:bad-shape]]");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ choices: "nope" });
  });

  it("[[fault:hang]] never answers until the client gives up", async () => {
    await expect(postRaw("x [[fault:hang]]", { signal: AbortSignal.timeout(300) })).rejects.toThrow(/aborted|timeout/i);
  });

  it("[[fault:reset]] drops the connection without a response", async () => {
    await expect(postRaw("x [[fault:reset]]")).rejects.toThrow(/fetch failed/);
  });

  it("closes even while a request hangs", async () => {
    const local = await startStub();
    const pending = fetch(`${local.url}/v1/completions`, { method: "POST", body: JSON.stringify({ prompt: "[[fault:hang]]" }) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await local.close();
    await expect(pending).rejects.toThrow();
  });
});

describe("request log", () => {
  it("finds a test's own requests by a marker in any prompt, with headers and body", async () => {
    const marker = `log-${crypto.randomUUID().slice(0, 8)}`;
    await postCompletion(
      server.url,
      { model: "gpt2", prompt: ["other", `mine ${marker}`], max_tokens: 1, temperature: 0 },
      { "x-trace": "abc" },
    );
    await postCompletion(server.url, { model: "gpt2", prompt: "unrelated", max_tokens: 1 });
    const { requests } = await (await fetch(`${server.url}/__stub/requests?contains=${encodeURIComponent(marker)}`)).json();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "POST", path: "/v1/completions", headers: { "x-trace": "abc" } });
    expect(requests[0].body).toEqual({ model: "gpt2", prompt: ["other", `mine ${marker}`], max_tokens: 1, temperature: 0 });
  });

  it("logs rejected and faulted requests too, and matches decoded token-id prompts", async () => {
    const marker = `log-${crypto.randomUUID().slice(0, 8)}`;
    await postCompletion(server.url, { model: "nope", prompt: `${marker} [[fault:500]]` });
    await postCompletion(server.url, `{"prompt": "${marker}", broken`);
    await postCompletion(server.url, { model: "gpt2", prompt: [tokenizeGpt2(`ids ${marker}`)], max_tokens: 1 });
    const { requests } = await (await fetch(`${server.url}/__stub/requests?contains=${marker}`)).json();
    expect(requests).toHaveLength(3);
    expect(typeof requests[1].body).toBe("string");
    expect(Array.isArray(requests[2].body.prompt[0])).toBe(true);
  });
});
