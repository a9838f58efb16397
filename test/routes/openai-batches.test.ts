import { SELF } from "cloudflare:test";
import OpenAI, { toFile } from "openai";
import { describe, expect, it } from "vitest";
import { answerLine, call } from "../batch/batch-client";
import { uniqueMarker } from "../support/stub-control";

// OpenAI's batch flow, driven by the official client, unchanged, against the Worker in workerd
// (miniflare's real R2 and queue, the stub GPU behind it): only its fetch is the test runner's.
const client = new OpenAI({
  apiKey: "unused",
  baseURL: "http://router.test/v1",
  maxRetries: 0,
  fetch: (input, init) => SELF.fetch(input, init),
});

function completionLine(customId: string, prompt: string): string {
  return JSON.stringify({ custom_id: customId, method: "POST", url: "/v1/completions", body: { model: "gpt2", prompt, max_tokens: 3 } });
}

async function waitUntilDone(id: string): Promise<OpenAI.Batches.Batch> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const batch = await client.batches.retrieve(id);
    if (["completed", "failed", "cancelled", "expired"].includes(batch.status) || Date.now() > deadline) return batch;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const parseJsonl = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));

describe("the OpenAI client's batch flow", () => {
  it("uploads, creates, polls, and downloads the output and error files", async () => {
    const marker = uniqueMarker("sdk");
    const lines = [
      completionLine("a", `Once ${marker}`),
      "{broken",
      completionLine("b", `Twice ${marker}`),
      JSON.stringify({ custom_id: "c", method: "POST", url: "/v1/tasks/answer", body: { question: "Wrong endpoint?" } }),
      completionLine("a", `Again ${marker}`),
    ];
    const upload = await client.files.create({
      file: await toFile(new TextEncoder().encode(`${lines.join("\n")}\n`), "in.jsonl"),
      purpose: "batch",
    });
    expect(upload).toMatchObject({
      object: "file",
      purpose: "batch",
      filename: "in.jsonl",
      bytes: new TextEncoder().encode(`${lines.join("\n")}\n`).byteLength,
    });
    expect(await client.files.retrieve(upload.id)).toEqual(upload);
    expect(await (await client.files.content(upload.id)).text()).toBe(`${lines.join("\n")}\n`);

    const created = await client.batches.create({
      input_file_id: upload.id,
      endpoint: "/v1/completions",
      completion_window: "24h",
      metadata: { run: marker },
    });
    expect(created).toMatchObject({
      object: "batch",
      status: "validating",
      input_file_id: upload.id,
      endpoint: "/v1/completions",
      metadata: { run: marker },
    });

    const done = await waitUntilDone(created.id);
    expect(done).toMatchObject({ status: "completed", request_counts: { total: 5, completed: 2, failed: 3 } });
    expect(done.errors?.data?.map((error) => [error.line, error.code])).toEqual([
      [2, "invalid_json"],
      [4, "invalid_url"],
      [5, "duplicate_custom_id"],
    ]);

    const output = parseJsonl(await (await client.files.content(done.output_file_id!)).text());
    expect(output.map((line) => line.custom_id)).toEqual(["a", "b"]);
    expect(output[0].response).toMatchObject({ status_code: 200, body: { object: "text_completion", choices: [{ index: 0 }] } });
    const errors = parseJsonl(await (await client.files.content(done.error_file_id!)).text());
    expect(errors.map((line) => [line.custom_id, line.error.code])).toEqual([
      [null, "invalid_json"],
      ["c", "invalid_url"],
      ["a", "duplicate_custom_id"],
    ]);
    const outputFile = await client.files.retrieve(done.output_file_id!);
    expect(outputFile).toMatchObject({
      purpose: "batch_output",
      bytes: new TextEncoder().encode(output.map((line) => `${JSON.stringify(line)}\n`).join("")).byteLength,
    });

    await expect(client.files.delete(done.output_file_id!)).rejects.toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect(await client.files.delete(upload.id)).toEqual({ id: upload.id, object: "file", deleted: true });
    await expect(client.files.retrieve(upload.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  }, 90_000);

  it("cancels a batch and lists batches newest first, page by page", async () => {
    const file = await client.files.create({
      file: await toFile(new TextEncoder().encode(answerLine("x", "Why?")), "one.jsonl"),
      purpose: "batch",
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push(
        (
          await client.batches.create({
            input_file_id: file.id,
            endpoint: "/v1/tasks/answer" as "/v1/completions",
            completion_window: "24h",
          })
        ).id,
      );
    }
    const cancelled = await client.batches.cancel(ids[2]!);
    expect(["cancelling", "cancelled"]).toContain(cancelled.status);
    expect(cancelled.cancelling_at).toBeGreaterThan(0);
    expect(["cancelled", "completed"]).toContain((await waitUntilDone(ids[2]!)).status);

    const firstPage = await client.batches.list({ limit: 2 });
    expect(firstPage.data).toHaveLength(2);
    expect(firstPage.hasNextPage()).toBe(true);
    const seen: string[] = [];
    for await (const batch of client.batches.list({ limit: 2 })) {
      seen.push(batch.id);
      if (ids.every((id) => seen.includes(id))) break;
    }
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(new Set(seen).size).toBe(seen.length);
  }, 90_000);

  it("refuses what OpenAI refuses, with its error classes", async () => {
    const file = await client.files.create({
      file: await toFile(new TextEncoder().encode(answerLine("x", "Why?")), "x.jsonl"),
      purpose: "batch",
    });
    await expect(
      client.batches.create({
        input_file_id: "file-0123456789abcdef0123456789abcdef",
        endpoint: "/v1/completions",
        completion_window: "24h",
      }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(
      client.batches.create({ input_file_id: file.id, endpoint: "/v1/embeddings" as "/v1/completions", completion_window: "24h" }),
    ).rejects.toMatchObject({
      status: 422,
      param: "endpoint",
    });
    await expect(
      client.batches.create({ input_file_id: file.id, endpoint: "/v1/completions", completion_window: "48h" as "24h" }),
    ).rejects.toBeInstanceOf(OpenAI.UnprocessableEntityError);
    await expect(
      client.files.create({ file: await toFile(new TextEncoder().encode("{}"), "x.jsonl"), purpose: "fine-tune" }),
    ).rejects.toMatchObject({ status: 422, param: "purpose" });
    await expect(client.files.retrieve(`file-${"0".repeat(2000)}`)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.files.content("file-out-0123456789abcdef0123456789abcdef")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const listed = await client.files.list();
    expect(listed.data.map((entry) => entry.id)).toContain(file.id);
    const notMultipart = await call("POST", "/v1/files", undefined, { purpose: "batch" });
    expect(notMultipart.status).toBe(415);
  });
});
