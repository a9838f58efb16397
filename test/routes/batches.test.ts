import { describe, expect, it } from "vitest";
import { uniqueMarker } from "../support/stub-control";
import { answerLine, call, createBatch, createCaptured, deliver, readOutput, waitForBatch } from "../batch/batch-client";

// End to end in workerd: POST /v1/batches → miniflare's real queue → the Worker's queue handler → R2.
describe("async batches (OpenAI Batch format)", () => {
  it("runs a 1,000-line job to exactly 1,000 output lines, in input order", async () => {
    const marker = uniqueMarker("bulk");
    const lines = Array.from({ length: 1000 }, (_, i) => answerLine(`req-${i}`, `Question ${i} ${marker}?`));
    const created = await createBatch(lines);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: "batch",
      status: "validating",
      completion_window: "24h",
      request_counts: { total: 0, completed: 0, failed: 0 },
      output_ready: false,
      output_file_id: null,
      errors: null,
    });
    expect(created.body.id).toMatch(/^batch_[0-9a-f]{32}$/);
    expect(created.body.input_file_id).toMatch(/^file-[0-9a-f]{32}$/);

    const done = await waitForBatch(created.body.id, 90_000);
    expect(done).toMatchObject({
      status: "completed",
      endpoint: "/v1/tasks/answer",
      output_ready: true,
      request_counts: { total: 1000, completed: 1000, failed: 0 },
      error_file_id: null,
    });
    expect(done.output_file_id).toMatch(/^file-out-[0-9a-f]{32}$/);
    expect(done.completed_at).toBeGreaterThanOrEqual(done.in_progress_at);
    const output = await readOutput(created.body.id);
    expect(output).toHaveLength(1000);
    expect(output.map((line) => line.custom_id)).toEqual(lines.map((_, i) => `req-${i}`));
    expect(new Set(output.map((line) => line.id)).size).toBe(1000);
    expect(output[0]).toMatchObject({ error: null, response: { status_code: 200, body: { task: "answer", backend: "gpu" } } });
    expect(output[0].response.body.output).toHaveProperty("answer");
  }, 120_000);

  it("reports bad lines with their line numbers and still answers every line", async () => {
    const marker = uniqueMarker("bad");
    const lines = [
      answerLine("ok-1", `First ${marker}?`),
      "{not json",
      JSON.stringify({ custom_id: "nope", method: "POST", url: "/v1/tasks/dance", body: { text: "x" } }),
      JSON.stringify({ method: "POST", url: "/v1/tasks/answer", body: { question: "no id" } }),
      answerLine("ok-1", `Duplicate ${marker}?`),
      JSON.stringify({
        custom_id: "c-1",
        method: "POST",
        url: "/v1/completions",
        body: { model: "gpt2", prompt: `Once ${marker}`, max_tokens: 3 },
      }),
      JSON.stringify({ custom_id: "bad-url", method: "POST", url: "/v1/chat/completions", body: {} }),
      JSON.stringify({ custom_id: "bad-input", method: "POST", url: "/v1/tasks/answer", body: { question: "" } }),
      JSON.stringify({
        custom_id: "bad-option",
        method: "POST",
        url: "/v1/tasks/answer",
        body: { question: "x", options: { max_tokens: 0 } },
      }),
      JSON.stringify({ custom_id: "misplaced", method: "POST", url: "/v1/tasks/answer", body: { question: "x", max_tokens: 5 } }),
      JSON.stringify({ custom_id: "c-2", method: "POST", url: "/v1/completions", body: { model: "gpt2", prompt: "x", max_tokens: 0 } }),
    ];
    const created = await createBatch(lines);
    expect(created.status).toBe(200);
    const done = await waitForBatch(created.body.id);
    expect(done).toMatchObject({ status: "completed", endpoint: "mixed", request_counts: { total: 11, completed: 2, failed: 9 } });
    // `param` is the field of the line at fault, options and completion fields where they sit in it.
    expect(done.errors.data.map((error: any) => [error.line, error.code, error.param])).toEqual([
      [2, "invalid_json", null],
      [3, "unknown_task", "url"],
      [4, "invalid_request", "custom_id"],
      [5, "duplicate_custom_id", "custom_id"],
      [7, "invalid_url", "url"],
      [8, "invalid_request", "body.question"],
      [9, "invalid_request", "body.options.max_tokens"],
      [10, "invalid_request", "body.max_tokens"],
      [11, "invalid_request", "body.max_tokens"],
    ]);
    expect(done.errors.data[6].message).toMatch(/^body\.options\.max_tokens: /);
    expect(done.errors.data[7].message).toBe(
      `body.max_tokens: unknown field; task options go under "options": {"options": {"max_tokens": ...}}`,
    );
    expect(done.errors.data[8].message).toMatch(/^body\.max_tokens: Too small/);
    const output = await readOutput(created.body.id);
    expect(output.map((line) => [line.custom_id, line.error?.code ?? line.response.status_code])).toEqual([
      ["ok-1", 200],
      [null, "invalid_json"],
      ["nope", "unknown_task"],
      [null, "invalid_request"],
      ["ok-1", "duplicate_custom_id"],
      ["c-1", 200],
      ["bad-url", "invalid_url"],
      ["bad-input", "invalid_request"],
      ["bad-option", "invalid_request"],
      ["misplaced", "invalid_request"],
      ["c-2", "invalid_request"],
    ]);
    expect(output[5].response.body).toMatchObject({
      object: "text_completion",
      model: "gpt2",
      choices: [{ index: 0, finish_reason: "stop" }],
    });
    expect(typeof output[5].response.body.choices[0].text).toBe("string");
    expect(output[5].response.body.usage.total_tokens).toBeGreaterThan(0);
    expect(output[1].response).toBeNull();
  });

  it("fails a job over BATCH_MAX_LINES at validation, and accepts the JSON form", async () => {
    const lines = [1, 2, 3, 4].map((i) => answerLine(`l-${i}`, `Q${i}?`));
    const refused = await createCaptured(lines, 2, { BATCH_MAX_LINES: "3" });
    expect(refused.chunks).toEqual([]);
    const failed = (await call("GET", `/v1/batches/${refused.id}`)).body;
    expect(failed).toMatchObject({ status: "failed", request_counts: { total: 0 }, output_file_id: null });
    expect(failed.errors.data).toEqual([expect.objectContaining({ code: "too_many_lines", line: null })]);
    expect(failed.failed_at).toBeGreaterThan(0);

    const accepted = await call("POST", "/v1/batches", undefined, { input: `${lines.join("\n")}\n\n\n` });
    expect(accepted.status).toBe(200);
    // Trailing blank lines are not requests.
    expect(await waitForBatch(accepted.body.id)).toMatchObject({ status: "completed", request_counts: { total: 4, completed: 4 } });
  });

  it("names `input` when the JSON form's input is not JSONL text, and `input_file_id` when neither form is there", async () => {
    const badInput = await call("POST", "/v1/batches", undefined, { input: 5 });
    expect(badInput.status).toBe(422);
    expect(badInput.body.error).toMatchObject({ type: "invalid_request", param: "input" });
    const neither = await call("POST", "/v1/batches", undefined, { endpoint: "/v1/completions", completion_window: "24h" });
    expect(neither.status).toBe(422);
    expect(neither.body.error).toMatchObject({ type: "invalid_request", param: "input_file_id" });
    // OpenAI's form stays OpenAI's form with a stray input beside it: here, a file that does not exist.
    const both = await call("POST", "/v1/batches", undefined, {
      input: null,
      input_file_id: "file-0123456789abcdef0123456789abcdef",
      endpoint: "/v1/completions",
      completion_window: "24h",
    });
    expect(both.status).toBe(404);
  });

  it("takes a JSONL body over MAX_BODY_BYTES, fails over-long lines alone, and refuses a body over BATCH_MAX_BYTES with a 413", async () => {
    const lines = [answerLine("small", "Small?"), answerLine("big", `Big ${"x".repeat(600)}?`), answerLine("after", "After?")];
    const { id, chunks, bindings } = await createCaptured(lines, 2, { MAX_BODY_BYTES: "500" });
    await deliver(chunks, { bindings });
    const batch = (await call("GET", `/v1/batches/${id}`)).body;
    expect(batch).toMatchObject({ status: "completed", request_counts: { total: 3, completed: 2, failed: 1 } });
    expect(batch.errors.data).toEqual([expect.objectContaining({ line: 2, code: "line_too_long" })]);
    expect((await readOutput(id)).map((line) => [line.custom_id, line.error?.code ?? line.response.status_code])).toEqual([
      ["small", 200],
      [null, "line_too_long"],
      ["after", 200],
    ]);

    const tooBig = await createBatch(lines, { BATCH_MAX_BYTES: "600" });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.type).toBe("payload_too_large");
  });

  it("answers an unknown id with a 404 JSON error on every batch route", async () => {
    for (const [method, path] of [
      ["GET", "/v1/batches/batch_0123abcd"],
      ["GET", "/v1/batches/batch_0123456789abcdef0123456789abcdef"],
      ["GET", "/v1/batches/batch_0123abcd/output"],
      ["POST", "/v1/batches/nope/cancel"],
      // Past R2's 1,024-byte key limit (a 500 before ids were checked): refused before storage is asked.
      ["GET", `/v1/batches/batch_${"0".repeat(1100)}`],
      ["GET", `/v1/batches/batch_${"0".repeat(1100)}/output`],
      ["POST", `/v1/batches/batch_${"0".repeat(1100)}/cancel`],
    ] as const) {
      const reply = await call(method, path);
      expect(reply.status).toBe(404);
      expect(reply.body.error.type).toBe("not_found");
    }
  });

  it("documents the batch routes in /openapi.json", async () => {
    const { body } = await call("GET", "/openapi.json");
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/batches",
        "/v1/batches/{id}",
        "/v1/batches/{id}/output",
        "/v1/batches/{id}/cancel",
        "/v1/files",
        "/v1/files/{file_id}",
        "/v1/files/{file_id}/content",
      ]),
    );
  });
});
