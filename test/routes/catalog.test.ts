import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TASK_NAMES } from "../../src/prompts/registry";
import { callWithEnv } from "../support/call-router";

async function getJson(path: string): Promise<{ status: number; body: any }> {
  const response = await SELF.fetch(`http://router.test${path}`);
  return { status: response.status, body: await response.json() };
}

describe("service endpoints", () => {
  it("GET /v1/tasks lists every task with template, input schema and defaults", async () => {
    const { status, body } = await getJson("/v1/tasks");
    expect(status).toBe(200);
    expect(body.tasks.map((task: { task: string }) => task.task)).toEqual([...TASK_NAMES]);
    const summarize = body.tasks.find((task: { task: string }) => task.task === "summarize");
    expect(summarize.template).toEqual({ id: "gpt2-paper/v1", source: "paper", format: "{text}\\nTL;DR:" });
    expect(summarize.input_schema.required).toEqual(["text"]);
    // Unknown fields are refused, so the published schema says so.
    expect(summarize.input_schema.additionalProperties).toBe(false);
    expect(summarize.defaults.decoding).toEqual({ strategy: "sample", topK: 2, maxTokens: 100 });
    const answer = body.tasks.find((task: { task: string }) => task.task === "answer");
    expect(answer.template.source).toBe("reconstruction");
    expect(body.tasks.find((task: { task: string }) => task.task === "score").defaults.decoding).toBeNull();
  });

  it("GET /openapi.json is OpenAPI 3.1 with one path per task and its own schemas", async () => {
    const { status, body } = await getJson("/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    for (const task of TASK_NAMES) {
      const post = body.paths[`/v1/tasks/${task}`]?.post;
      expect(post, task).toBeDefined();
      const requestRef = post.requestBody.content["application/json"].schema.$ref as string;
      const responseRef = post.responses["200"].content["application/json"].schema.$ref as string;
      expect(requestRef).toMatch(/Request$/);
      expect(responseRef).toMatch(/Response$/);
      expect(post.requestBody.content["application/json"].example).toBeDefined();
      expect(post.responses["422"]).toBeDefined();
    }
    const request = body.components.schemas.SummarizeRequest;
    expect(request.properties.text).toBeDefined();
    expect(request.properties.options).toBeDefined();
    expect(request.additionalProperties).toBe(false);
    expect(body.components.schemas.ChooseResponse.properties.output).toBeDefined();
    expect(body.paths["/v1/tasks"].get).toBeDefined();
    expect(body.paths["/health"].get).toBeDefined();
  });

  it("GET /health reports the configured backends and, on request, whether they answer", async () => {
    const plain = await getJson("/health");
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({
      status: "ok",
      backends: [
        { id: "gpu", kind: "gpu", model: "gpt2" },
        { id: "edge", kind: "edge", model: "tiny-random-gpt2" },
      ],
    });
    const checked = await getJson("/health?check=true");
    expect(checked.body.backends[0]).toMatchObject({ id: "gpu", ok: true });
    const down = await callWithEnv({ GPU_BASE_URL: "http://127.0.0.1:9", EDGE_MODEL_KEY: "missing.onnx" }, "/health?check=true");
    expect(down.status).toBe(200);
    expect(down.body.backends[0]).toMatchObject({ id: "gpu", ok: false });
    expect(down.body.backends[1]).toMatchObject({ id: "edge", ok: false, detail: expect.stringContaining("missing.onnx") });
  });
});
