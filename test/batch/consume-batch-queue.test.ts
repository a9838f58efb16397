import { describe, expect, it } from "vitest";
import type { Env } from "../../src/config/env";
import { uniqueMarker } from "../support/stub-control";
import { answerLine, call, captureQueue, createBatch, deliver, readOutput, testEnv } from "./batch-client";

/** Jobs created with a capturing queue: the test delivers their chunks to the queue handler itself. */
async function createCaptured(lines: string[], chunkLines = 2) {
  const queue = captureQueue();
  const created = await createBatch(lines, { BATCH_QUEUE: queue.binding, BATCH_CHUNK_LINES: String(chunkLines) });
  expect(created.status).toBe(200);
  return { id: created.body.id as string, messages: queue.messages };
}

/** The real bucket, except that the first `put` of a chunk output throws, as a failing R2 write would. */
function failFirstOutputWrite(): Partial<Env> {
  const bucket = testEnv.BATCHES as R2Bucket;
  let failed = false;
  const flaky = new Proxy(bucket, {
    get(target, prop) {
      if (prop === "put" && !failed) {
        return async () => {
          failed = true;
          throw new Error("injected R2 failure");
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { BATCHES: flaky };
}

describe("the batch queue consumer", () => {
  it("splits a job into chunk messages of BATCH_CHUNK_LINES lines", async () => {
    const { id, messages } = await createCaptured([1, 2, 3, 4, 5].map((i) => answerLine(`s-${i}`, `Q${i}?`)));
    expect(messages).toEqual([
      { batchId: id, chunk: 0, firstLine: 0, lineCount: 2 },
      { batchId: id, chunk: 1, firstLine: 2, lineCount: 2 },
      { batchId: id, chunk: 2, firstLine: 4, lineCount: 1 },
    ]);
  });

  it("retries a chunk whose output write failed, and the retry leaves no duplicate or missing line", async () => {
    const marker = uniqueMarker("crash");
    const lines = [1, 2, 3, 4].map((i) => answerLine(`c-${i}`, `Q${i} ${marker}?`));
    const { id, messages } = await createCaptured(lines);
    const [first, second] = messages as [(typeof messages)[0], (typeof messages)[0]];

    const crashed = await deliver([first], { bindings: failFirstOutputWrite() });
    expect(crashed).toEqual({ acked: [], retried: ["m-0-0"] });
    expect((await call("GET", `/v1/batches/${id}`)).body).toMatchObject({ status: "in_progress", request_counts: { completed: 0 } });

    expect((await deliver([first, second])).acked).toHaveLength(2);
    // A redelivery of an already written chunk (at-least-once delivery) replaces its object.
    expect((await deliver([first])).acked).toEqual(["m-0-0"]);

    const batch = (await call("GET", `/v1/batches/${id}`)).body;
    expect(batch).toMatchObject({ status: "completed", request_counts: { total: 4, completed: 4, failed: 0 } });
    const output = await readOutput(id);
    expect(output.map((line) => line.custom_id)).toEqual(["c-1", "c-2", "c-3", "c-4"]);
    expect(output.every((line) => line.response.status_code === 200)).toBe(true);
  });

  it("answers 409 for the output of an unfinished job unless ?partial=true", async () => {
    const { id, messages } = await createCaptured([1, 2, 3].map((i) => answerLine(`p-${i}`, `Q${i}?`)));
    await deliver([messages[1]!]);
    const reply = await call("GET", `/v1/batches/${id}/output`);
    expect(reply.status).toBe(409);
    expect(reply.body.error.type).toBe("conflict");
    expect((await readOutput(id, "?partial=true")).map((line) => line.custom_id)).toEqual(["p-3"]);
  });

  it("turns the lines of chunks not yet run into batch_cancelled error lines after a cancel", async () => {
    const lines = [1, 2, 3, 4, 5, 6].map((i) => answerLine(`x-${i}`, `Q${i}?`));
    const { id, messages } = await createCaptured(lines);
    await deliver([messages[0]!]);

    const cancelled = await call("POST", `/v1/batches/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelling", request_counts: { total: 6, completed: 2 } });
    await deliver(messages.slice(1));

    const batch = (await call("GET", `/v1/batches/${id}`)).body;
    expect(batch).toMatchObject({ status: "cancelled", output_ready: true, request_counts: { total: 6, completed: 2, failed: 4 } });
    const output = await readOutput(id);
    expect(output.map((line) => [line.custom_id, line.error?.code ?? line.response.status_code])).toEqual([
      ["x-1", 200],
      ["x-2", 200],
      ["x-3", "batch_cancelled"],
      ["x-4", "batch_cancelled"],
      ["x-5", "batch_cancelled"],
      ["x-6", "batch_cancelled"],
    ]);
    expect((await call("POST", `/v1/batches/${id}/cancel`)).body.status).toBe("cancelled");
  });

  it("writes chunk_failed lines for a dead-lettered chunk, keeping validation errors and any written output", async () => {
    const lines = [answerLine("d-1", "Q1?"), "{oops", answerLine("d-3", "Q3?"), answerLine("d-4", "Q4?")];
    const { id, messages } = await createCaptured(lines);
    await deliver([messages[1]!]);
    const dead = await deliver(messages, { queue: "zeroshot-batches-dlq" });
    expect(dead.acked).toHaveLength(2);

    const output = await readOutput(id);
    expect(output.map((line) => [line.custom_id, line.error?.code ?? line.response.status_code])).toEqual([
      ["d-1", "chunk_failed"],
      [null, "invalid_json"],
      ["d-3", 200],
      ["d-4", 200],
    ]);
    expect((await call("GET", `/v1/batches/${id}`)).body.request_counts).toEqual({ total: 4, completed: 2, failed: 2 });
  });
});
