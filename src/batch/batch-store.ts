import { ApiError } from "../errors/api-error";
import {
  jobSchema,
  planSchema,
  type AsyncBatchSettings,
  type BatchJob,
  type BatchPlan,
  type ChunkCounts,
  type OutputLine,
} from "./batch-types";

/** What createBatch makes: `batch_` and a UUID's 32 hex digits. */
export const BATCH_ID = /^batch_[0-9a-f]{32}$/;

/**
 * The R2 layout of one job under `batches/{id}/`: `job.json` (the request),
 * `plan.json` (validation's result), `cancel.json` (a cancel, if any) and
 * `output/{chunk}.jsonl`, one object per chunk, written whole, so a
 * redelivered chunk can only replace its own lines, never add to them.
 * `batch-index/` orders jobs newest first for listing.
 */
export const batchKeys = {
  job: (id: string) => `batches/${id}/job.json`,
  plan: (id: string) => `batches/${id}/plan.json`,
  cancel: (id: string) => `batches/${id}/cancel.json`,
  outputPrefix: (id: string) => `batches/${id}/output/`,
  output: (id: string, chunk: number) => `batches/${id}/output/${String(chunk).padStart(6, "0")}.jsonl`,
  indexPrefix: "batch-index/",
  index: (job: BatchJob) => `batch-index/${String(9_999_999_999 - job.created_at).padStart(10, "0")}_${job.id}`,
  idOfIndex: (key: string) => key.slice("batch-index/0000000000_".length),
};

/**
 * The `BATCHES` bucket, or a 503 saying async batches are not configured.
 *
 * @example
 * const bucket = requireBucket(config.asyncBatch);
 */
export function requireBucket(settings: AsyncBatchSettings): R2Bucket {
  if (!settings.bucket) throw new ApiError("backend_unavailable", "async batches need the BATCHES R2 bucket binding");
  return settings.bucket;
}

/**
 * Reads a job record; `undefined` when there is none or the id is not one we make.
 *
 * @example
 * const job = await readJob(bucket, "batch_3f9a…");
 */
export async function readJob(bucket: R2Bucket, id: string): Promise<BatchJob | undefined> {
  if (!BATCH_ID.test(id)) return undefined;
  const object = await bucket.get(batchKeys.job(id));
  return object ? jobSchema.parse(await object.json()) : undefined;
}

/**
 * Reads a job's validation result; `undefined` while it is validating.
 *
 * @example
 * (await readPlan(bucket, id))?.chunk_count; // 1000
 */
export async function readPlan(bucket: R2Bucket, id: string): Promise<BatchPlan | undefined> {
  const object = await bucket.get(batchKeys.plan(id));
  return object ? planSchema.parse(await object.json()) : undefined;
}

/**
 * When the job was cancelled (Unix seconds), or `undefined`.
 *
 * @example
 * const cancelledAt = await readCancel(bucket, id);
 */
export async function readCancel(bucket: R2Bucket, id: string): Promise<number | undefined> {
  const object = await bucket.get(batchKeys.cancel(id));
  return object ? ((await object.json()) as { cancelled_at: number }).cancelled_at : undefined;
}

/**
 * Writes a JSON object (job, plan, cancel marker).
 *
 * @example
 * await putJson(bucket, batchKeys.job(job.id), job);
 */
export async function putJson(bucket: R2Bucket, key: string, value: unknown): Promise<void> {
  await bucket.put(key, JSON.stringify(value), { httpMetadata: { contentType: "application/json" } });
}

/**
 * Writes one chunk's output lines in one object, in input order, with its
 * tallies, the byte sizes of its ok and error lines and a bitmap of which
 * lines failed in the custom metadata, so the output and error files can be
 * streamed from it without parsing a line.
 *
 * @example
 * await writeChunkOutput(bucket, id, 0, lines);
 */
export async function writeChunkOutput(bucket: R2Bucket, id: string, chunk: number, lines: OutputLine[], unrun?: string): Promise<void> {
  const encoder = new TextEncoder();
  const bitmap = new Uint8Array(Math.ceil(lines.length / 8));
  let okBytes = 0;
  let errorBytes = 0;
  let failed = 0;
  const texts = lines.map((line, index) => {
    const text = `${JSON.stringify(line)}\n`;
    const bytes = encoder.encode(text).byteLength;
    if (isFailed(line)) {
      bitmap[index >> 3] = (bitmap[index >> 3] ?? 0) | (1 << (index & 7));
      failed += 1;
      errorBytes += bytes;
    } else {
      okBytes += bytes;
    }
    return text;
  });
  const customMetadata: Record<string, string> = {
    completed: String(lines.length - failed),
    failed: String(failed),
    okBytes: String(okBytes),
    errorBytes: String(errorBytes),
    failedLines: [...bitmap].map((byte) => byte.toString(16).padStart(2, "0")).join(""),
    ...(unrun ? { unrun } : {}),
  };
  await bucket.put(batchKeys.output(id, chunk), texts.join(""), { httpMetadata: { contentType: "application/jsonl" }, customMetadata });
}

/** OpenAI's split: a line goes to the error file when it did not run or its response is an HTTP error. */
function isFailed(line: OutputLine): boolean {
  return line.error !== null || (line.response?.status_code ?? 500) >= 400;
}

/**
 * Which chunks have output, with their facts: the job's progress, derived
 * from R2 rather than counters that concurrent consumers would race on.
 *
 * @example
 * const done = await listChunkCounts(bucket, id); // Map { 0 => { completed: 50, failed: 0, … } }
 */
export async function listChunkCounts(bucket: R2Bucket, id: string): Promise<Map<number, ChunkCounts>> {
  const counts = new Map<number, ChunkCounts>();
  const prefix = batchKeys.outputPrefix(id);
  let cursor: string | undefined;
  do {
    // `include` is honoured at runtime (compatibility date 2023+) but missing from the stable types.
    const page = await bucket.list({ prefix, cursor, include: ["customMetadata"] } as R2ListOptions);
    for (const object of page.objects) {
      const meta = object.customMetadata ?? {};
      counts.set(Number(object.key.slice(prefix.length).replace(/\.jsonl$/, "")), {
        completed: Number(meta.completed ?? 0),
        failed: Number(meta.failed ?? 0),
        okBytes: Number(meta.okBytes ?? 0),
        errorBytes: Number(meta.errorBytes ?? 0),
        failedLines: meta.failedLines ?? "",
        unrun: meta.unrun,
        uploaded: Math.floor(object.uploaded.getTime() / 1000),
      });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return counts;
}
