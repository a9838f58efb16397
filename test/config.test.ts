import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load-config";
import { callWithEnv, stubUrl } from "./support/call-router";
import { findRequests, uniqueMarker } from "./support/stub-control";

describe("loadConfig", () => {
  it("reads GPU_BACKENDS with weights, per-backend models and the secrets they name", () => {
    const config = loadConfig({
      GPU_BACKENDS: JSON.stringify([
        { name: "vllm-a", url: "http://a:8000/", model: "gpt2-xl", weight: 2, api_key_secret: "KEY_A" },
        { name: "tgi", url: "http://b:8080" },
      ]),
      GPU_MODEL: "gpt2",
      KEY_A: "sekrit",
    } as never);
    expect(config.gpu).toEqual([
      { id: "gpu:vllm-a", weight: 2, baseUrl: "http://a:8000", model: "gpt2-xl", apiKey: "sekrit", timeoutMs: 30000, contextTokens: 1024 },
      { id: "gpu:tgi", weight: 1, baseUrl: "http://b:8080", model: "gpt2", apiKey: undefined, timeoutMs: 30000, contextTokens: 1024 },
    ]);
  });

  it.each([
    ["not JSON", "[{", /GPU_BACKENDS: not JSON/],
    ["a bad URL", '[{"name":"a","url":"nope"}]', /GPU_BACKENDS\.0\.url/],
    ["a duplicate name", '[{"name":"a","url":"http://a"},{"name":"a","url":"http://b"}]', /'a' appears twice/],
    ["a missing secret", '[{"name":"a","url":"http://a","api_key_secret":"NOPE"}]', /secret NOPE is not set/],
  ])("rejects GPU_BACKENDS with %s as a config_error", (_name, raw, message) => {
    expect(() => loadConfig({ GPU_BACKENDS: raw })).toThrow(message);
  });

  it("overrides the task table partially with TASK_BACKENDS", () => {
    const config = loadConfig({ TASK_BACKENDS: '{"answer":"edge"}' });
    expect(config.routing.taskTable).toMatchObject({ answer: "edge", choose: "edge", summarize: "gpu" });
    expect(() => loadConfig({ TASK_BACKENDS: '{"answer":"tpu"}' })).toThrow(/TASK_BACKENDS\.answer/);
  });

  it("sends each GPU backend's own key, and reports a bad var as a JSON 500", async () => {
    const marker = uniqueMarker("key");
    const gpus = JSON.stringify([{ name: "a", url: stubUrl, api_key_secret: "A_KEY" }]);
    const reply = await callWithEnv({ GPU_BACKENDS: gpus, A_KEY: "key-a" } as never, "/v1/tasks/answer", {
      question: `${marker}?`,
      options: { backend: "gpu" },
    });
    expect(reply.status).toBe(200);
    const [sent] = await findRequests(stubUrl, marker);
    expect(sent?.headers.authorization).toBe("Bearer key-a");
    const broken = await callWithEnv({ GPU_BACKENDS: "[{" }, "/v1/tasks/answer", { question: "q?" });
    expect(broken.status).toBe(500);
    expect(broken.body.error.type).toBe("config_error");
  });
});
