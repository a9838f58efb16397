import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { callWithEnv, postJson, stubUrl } from "../support/call-router";
import { findRequests, uniqueMarker } from "../support/stub-control";

type Result = {
  id: string;
  status: string;
  output?: any;
  error?: { type: string; message: string; details?: { path: string[] } };
  backend?: string;
};

const LONG_ID = "x".repeat(257);

describe("POST /v1/batch", () => {
  it("runs mixed tasks in request order, echoing or generating ids, with per-item errors", async () => {
    const marker = uniqueMarker("mix");
    const reply = await postJson("/v1/batch", {
      requests: [
        { id: "a", task: "answer", input: { question: `${marker} who?` } },
        { task: "choose", input: { text: `${marker} the ___ sat`, candidates: ["cat", "dog"] } },
        { id: "bad-task", task: "dance", input: {} },
        { id: "bad-input", task: "summarize", input: { text: "" } },
        { id: "s", task: "score", input: { text: `${marker} text` } },
      ],
    });
    expect(reply.status).toBe(200);
    const results = reply.body.results as Result[];
    expect(results.map((result) => [result.status, result.id.startsWith("item-") ? "generated" : result.id])).toEqual([
      ["ok", "a"],
      ["ok", "generated"],
      ["error", "bad-task"],
      ["error", "bad-input"],
      ["ok", "s"],
    ]);
    expect(results[2]?.error?.type).toBe("not_found");
    expect(results[3]?.error).toMatchObject({ type: "invalid_request", message: expect.stringContaining("input.text") });
    expect(typeof results[0]?.output.answer).toBe("string");
    expect(reply.body.totals.by_status).toEqual({ ok: 3, error: 2 });
    expect(reply.body.totals.by_backend).toEqual({ gpu: 3 });
    expect(reply.body.totals.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("groups GPU items with the same decoding into prompt-array calls", async () => {
    const marker = uniqueMarker("group");
    const requests = Array.from({ length: 64 }, (_, index) => ({ task: "answer", input: { question: `${marker} question ${index}?` } }));
    const reply = await postJson("/v1/batch", { requests });
    expect(reply.body.totals.by_status).toEqual({ ok: 64, error: 0 });
    const sent = await findRequests(stubUrl, marker);
    expect(sent.length).toBeLessThanOrEqual(2);
    const prompts = sent.flatMap((request) => request.body.prompt as string[]);
    expect(prompts).toHaveLength(64);
    expect(new Set(prompts).size).toBe(64);
  });

  it("one failing item does not fail the others in its group", async () => {
    const marker = uniqueMarker("poison");
    const requests = [
      { id: "ok-1", task: "answer", input: { question: `${marker} fine?` }, options: { backend: "gpu" } },
      { id: "bad", task: "answer", input: { question: `${marker} [[fault:500]]` }, options: { backend: "gpu" } },
      { id: "ok-2", task: "answer", input: { question: `${marker} also fine?` }, options: { backend: "gpu" } },
    ];
    const reply = await postJson("/v1/batch", { requests });
    expect(reply.status).toBe(200);
    expect((reply.body.results as Result[]).map((result) => [result.id, result.status])).toEqual([
      ["ok-1", "ok"],
      ["bad", "error"],
      ["ok-2", "ok"],
    ]);
    expect(reply.body.results[1].error.type).toBe("backend_error");
  });

  it("fails only the structurally invalid items, each naming its field, and runs the others", async () => {
    const marker = uniqueMarker("shape");
    const input = { question: `${marker} fine?` };
    // [item, the id its result carries (null: generated), the path its error names]
    const faults: Array<[unknown, string | null, string[]]> = [
      [42, null, []],
      [null, null, []],
      [["answer"], null, []],
      [{ id: "", task: "answer", input }, null, ["id"]],
      [{ id: 7, task: "answer", input }, null, ["id"]],
      [{ id: LONG_ID, task: "answer", input }, null, ["id"]],
      [{ id: "no-task", input }, "no-task", ["task"]],
      [{ id: "no-input", task: "answer" }, "no-input", ["input"]],
      [{ id: "array-input", task: "answer", input: [input] }, "array-input", ["input"]],
      [{ id: "string-options", task: "answer", input, options: "fast" }, "string-options", ["options"]],
      [{ id: "array-options", task: "answer", input, options: [] }, "array-options", ["options"]],
      [{ id: "unknown-field", task: "answer", input: { ...input, max_tokens: 5 } }, "unknown-field", ["input", "max_tokens"]],
      [{ id: "unknown-option", task: "answer", input, options: { temprature: 1 } }, "unknown-option", ["options", "temprature"]],
      [{ id: "stray-key", task: "answer", input, optoins: { max_tokens: 5 } }, "stray-key", ["optoins"]],
    ];
    const requests = [{ id: "ok-1", task: "answer", input }, ...faults.map(([item]) => item), { task: "answer", input }];
    const reply = await postJson("/v1/batch", { requests });
    expect(reply.status).toBe(200);
    const results = reply.body.results as Result[];
    expect(results).toHaveLength(requests.length);
    expect(results[0]).toMatchObject({ id: "ok-1", status: "ok", output: { answer: expect.any(String) } });
    expect(results.at(-1)).toMatchObject({ id: expect.stringMatching(/^item-/), status: "ok", output: { answer: expect.any(String) } });
    faults.forEach(([, id, path], index) => {
      const result = results[index + 1];
      const name = JSON.stringify(requests[index + 1]).slice(0, 60);
      expect(result?.status, name).toBe("error");
      expect(result?.id, name).toEqual(id ?? expect.stringMatching(/^item-[0-9a-f-]{36}$/));
      expect(result?.error, name).toMatchObject({
        type: "invalid_request",
        message: expect.stringMatching(new RegExp(`^${path.length > 0 ? path.join(".") : "item"}: `)),
        details: { path },
      });
    });
    expect(reply.body.totals.by_status).toEqual({ ok: 2, error: faults.length });
    // An option inside the input gets the task route's hint; a misspelt field does not.
    const misplaced = results.find((result) => result.id === "unknown-field");
    expect(misplaced?.error?.message).toBe(
      `input.max_tokens: unknown field; task options go under "options": {"options": {"max_tokens": ...}}`,
    );
    const misspelt = results.find((result) => result.id === "unknown-option");
    expect(misspelt?.error?.message).toBe("options.temprature: unknown field");
  });

  it("documents the item shape though it checks items one by one", async () => {
    const response = await SELF.fetch("http://router.test/openapi.json");
    const { components } = (await response.json()) as any;
    expect(components.schemas.BatchRequest.properties.requests).toMatchObject({
      type: "array",
      minItems: 1,
      items: { allOf: [{ $ref: "#/components/schemas/BatchItem" }] },
    });
    expect(components.schemas.BatchItem).toMatchObject({
      type: "object",
      properties: {
        id: { type: "string", maxLength: 256 },
        task: { type: "string" },
        input: { type: "object" },
        options: { type: "object" },
      },
      required: ["task", "input"],
    });
  });

  it("still refuses a body whose requests is not a non-empty array", async () => {
    for (const body of [{}, { requests: [] }, { requests: "answer" }, { requests: { id: "a" } }]) {
      const reply = await postJson("/v1/batch", body);
      expect(reply.status, JSON.stringify(body)).toBe(422);
      expect(reply.body.error).toMatchObject({ type: "invalid_request", message: expect.stringMatching(/^requests: /) });
    }
  });

  it("refuses more items than BATCH_MAX_ITEMS with a 413 naming the limit", async () => {
    const requests = Array.from({ length: 5 }, () => ({ task: "score", input: { text: "x" } }));
    const reply = await callWithEnv({ BATCH_MAX_ITEMS: "4" }, "/v1/batch", { requests });
    expect(reply.status).toBe(413);
    expect(reply.body.error).toMatchObject({ type: "payload_too_large", details: { limit: 4 } });
    const empty = await postJson("/v1/batch", { requests: [] });
    expect(empty.status).toBe(422);
  });
});

describe("the subrequest budget", () => {
  it("fails the items whose backend calls would exceed BATCH_MAX_SUBREQUESTS, and only those", async () => {
    const marker = uniqueMarker("budget");
    // Two decodings, so two prompt-array calls; the budget allows one.
    const requests = [
      { id: "greedy", task: "answer", input: { question: `${marker} a?` }, options: { backend: "gpu" } },
      { id: "sampled", task: "answer", input: { question: `${marker} b?` }, options: { backend: "gpu", temperature: 0.5, seed: 1 } },
    ];
    const reply = await callWithEnv({ BATCH_MAX_SUBREQUESTS: "1" }, "/v1/batch", { requests });
    expect(reply.status).toBe(200);
    const statuses = (reply.body.results as Result[]).map((result) => result.status).sort();
    expect(statuses).toEqual(["error", "ok"]);
    const failed = (reply.body.results as Result[]).find((result) => result.status === "error");
    expect(failed?.error).toMatchObject({ type: "backend_unavailable", message: expect.stringContaining("subrequest budget of 1") });
    expect(await findRequests(stubUrl, marker)).toHaveLength(1);
  });
});
