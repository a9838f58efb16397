import { describe, expect, it } from "vitest";
import type { Env } from "../../src/config/env";
import { uniqueMarker } from "../support/stub-control";
import { answerLine, call, createCaptured, deliver, readOutput, testEnv } from "./batch-client";

/** The real bucket, except that the first `put` of a chunk output throws, as a failing R2 write would. */
function failFirstOutputWrite(): Partial<Env> {
  const bucket = testEnv.BATCHES as R2Bucket;
  let failed = false;
  const flaky = new Proxy(bucket, {
    get(target, prop) {
      if (prop === "put" && !failed) {
        return async (key: string, ...rest: unknown[]) => {
          if (!key.includes("/output/")) return (target.put as (...args: unknown[]) => unknown)(key, ...rest);
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

const outcome = (line: any) => [line.custom_id, line.error?.code ?? line.response.status_code];

describe("the batch queue consumer", () => {
  it("validates a job once and cuts it into chunks of BATCH_CHUNK_LINES lines with their byte ranges", async () => {
    const lines = [1, 2, 3, 4, 5].map((i) => answerLine(`s-${i}`, `Q${i}?`));
    const { id, chunks } = await createCaptured(lines);
    const starts = lines.map((_, i) => lines.slice(0, i).reduce((sum, line) => sum + new TextEncoder().encode(line).byteLength + 1, 0));
    const size = (i: number) => new TextEncoder().encode(lines[i]!).byteLength + 1;
    expect(chunks).toEqual([
      { kind: "chunk", batchId: id, chunk: 0, firstLine: 0, lineCount: 2, offset: 0, length: size(0) + size(1), duplicates: [] },
      { kind: "chunk", batchId: id, chunk: 1, firstLine: 2, lineCount: 2, offset: starts[2], length: size(2) + size(3), duplicates: [] },
      { kind: "chunk", batchId: id, chunk: 2, firstLine: 4, lineCount: 1, offset: starts[4], length: size(4), duplicates: [] },
    ]);
    expect((await call("GET", `/v1/batches/${id}`)).body).toMatchObject({ status: "in_progress", request_counts: { total: 5 } });
  });

  it("a chunk reads only its byte range: the middle chunk alone answers its own lines", async () => {
    const { id, chunks } = await createCaptured([1, 2, 3, 4, 5, 6].map((i) => answerLine(`r-${i}`, `Q${i}?`)));
    await deliver([chunks[1]!]);
    expect((await readOutput(id, "?partial=true")).map(outcome)).toEqual([
      ["r-3", 200],
      ["r-4", 200],
    ]);
  });

  it("a consumer that crashes midway through a chunk is redelivered, and every line has exactly one output line", async () => {
    const marker = uniqueMarker("crash");
    const lines = [1, 2, 3, 4, 5, 6].map((i) => answerLine(`k-${i}`, `Q${i} ${marker}?`));
    const { id, chunks, bindings } = await createCaptured(lines, 3);
    const crashing = { ...bindings, BATCH_FAULT_CRASH_AFTER_LINES: "2" };

    const first = await deliver(chunks, { bindings: crashing, attempts: 1 });
    expect(first).toEqual({ acked: [], retried: ["m-0-0", "m-1-1"] });
    expect((await call("GET", `/v1/batches/${id}`)).body).toMatchObject({ status: "in_progress", request_counts: { completed: 0 } });

    // The redelivery (attempt 2) is not crashed; a third delivery of a written chunk changes nothing.
    expect((await deliver(chunks, { bindings: crashing, attempts: 2 })).acked).toHaveLength(2);
    const before = await readOutput(id);
    expect((await deliver([chunks[0]!], { attempts: 3 })).acked).toEqual(["m-0-0"]);
    expect(await readOutput(id)).toEqual(before);

    expect(before.map(outcome)).toEqual(lines.map((_, i) => [`k-${i + 1}`, 200]));
    expect((await call("GET", `/v1/batches/${id}`)).body).toMatchObject({
      status: "completed",
      request_counts: { total: 6, completed: 6, failed: 0 },
    });
  });

  it("retries a chunk whose output write failed", async () => {
    const { id, chunks } = await createCaptured([1, 2].map((i) => answerLine(`w-${i}`, `Q${i}?`)));
    expect(await deliver(chunks, { bindings: failFirstOutputWrite() })).toEqual({ acked: [], retried: ["m-0-0"] });
    expect((await deliver(chunks)).acked).toEqual(["m-0-0"]);
    expect((await readOutput(id)).map(outcome)).toEqual([
      ["w-1", 200],
      ["w-2", 200],
    ]);
  });

  it("answers 409 for the output of an unfinished job unless ?partial=true", async () => {
    const { id, chunks } = await createCaptured([1, 2, 3].map((i) => answerLine(`p-${i}`, `Q${i}?`)));
    await deliver([chunks[1]!]);
    const reply = await call("GET", `/v1/batches/${id}/output`);
    expect(reply.status).toBe(409);
    expect(reply.body.error.type).toBe("conflict");
    expect((await readOutput(id, "?partial=true")).map((line) => line.custom_id)).toEqual(["p-3"]);
  });

  it("turns the lines of chunks not yet run into batch_cancelled error lines after a cancel", async () => {
    const lines = [1, 2, 3, 4, 5, 6].map((i) => answerLine(`x-${i}`, `Q${i}?`));
    const { id, chunks } = await createCaptured(lines);
    await deliver([chunks[0]!]);

    const cancelled = await call("POST", `/v1/batches/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelling", request_counts: { total: 6, completed: 2 } });
    expect(cancelled.body.cancelling_at).toBeGreaterThan(0);
    await deliver(chunks.slice(1));

    const batch = (await call("GET", `/v1/batches/${id}`)).body;
    expect(batch).toMatchObject({ status: "cancelled", output_ready: true, request_counts: { total: 6, completed: 2, failed: 4 } });
    expect(batch.cancelled_at).toBeGreaterThan(0);
    expect((await readOutput(id)).map(outcome)).toEqual([
      ["x-1", 200],
      ["x-2", 200],
      ["x-3", "batch_cancelled"],
      ["x-4", "batch_cancelled"],
      ["x-5", "batch_cancelled"],
      ["x-6", "batch_cancelled"],
    ]);
    expect((await call("POST", `/v1/batches/${id}/cancel`)).body.status).toBe("cancelled");
  });

  it("writes batch_expired lines for chunks that run after the completion window", async () => {
    const { id, chunks } = await createCaptured([answerLine("e-1", "Q1?")]);
    const job = (await testEnv.BATCHES!.get(`batches/${id}/job.json`))!;
    const record = await job.json<{ expires_at: number }>();
    await testEnv.BATCHES!.put(`batches/${id}/job.json`, JSON.stringify({ ...record, expires_at: record.expires_at - 2 * 24 * 3600 }));
    await deliver(chunks);
    expect((await call("GET", `/v1/batches/${id}`)).body).toMatchObject({ status: "expired", request_counts: { failed: 1 } });
    expect((await readOutput(id)).map(outcome)).toEqual([["e-1", "batch_expired"]]);
  });

  it("writes chunk_failed lines for a dead-lettered chunk, keeping validation errors and any written output", async () => {
    const lines = [answerLine("d-1", "Q1?"), "{oops", answerLine("d-3", "Q3?"), answerLine("d-4", "Q4?")];
    const { id, chunks } = await createCaptured(lines);
    await deliver([chunks[1]!]);
    const dead = await deliver(chunks, { queue: "zeroshot-batches-dlq" });
    expect(dead.acked).toHaveLength(2);

    expect((await readOutput(id)).map(outcome)).toEqual([
      ["d-1", "chunk_failed"],
      [null, "invalid_json"],
      ["d-3", 200],
      ["d-4", 200],
    ]);
    expect((await call("GET", `/v1/batches/${id}`)).body.request_counts).toEqual({ total: 4, completed: 2, failed: 2 });
  });
});
