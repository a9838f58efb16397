import { ApiError } from "../errors/api-error";
import type { AsyncBatchSettings, BatchJob } from "./batch-types";
import { batchKeys, listChunkCounts, readJob, requireBucket, writeJob } from "./batch-store";
import { describeBatch, type BatchObject } from "./describe-batch";

/** What createBatch makes: `batch_` and a UUID's 32 hex digits. */
const BATCH_ID = /^batch_[0-9a-f]{32}$/;

/**
 * The batch object of a job, its progress counted from the chunk outputs.
 *
 * @example
 * (await getBatch(config.asyncBatch, "batch_3f9a")).request_counts; // { total: 1000, completed: 350, failed: 0 }
 */
export async function getBatch(settings: AsyncBatchSettings, id: string): Promise<BatchObject> {
  const bucket = requireBucket(settings);
  const job = await requireJob(bucket, id);
  return describeBatch(job, await listChunkCounts(bucket, id));
}

/**
 * Marks a job cancelled: chunks not yet run write `batch_cancelled` lines,
 * chunks already running finish. A finished job is returned unchanged.
 *
 * @example
 * (await cancelBatch(config.asyncBatch, "batch_3f9a")).status; // "cancelling"
 */
export async function cancelBatch(settings: AsyncBatchSettings, id: string): Promise<BatchObject> {
  const bucket = requireBucket(settings);
  const job = await requireJob(bucket, id);
  const chunks = await listChunkCounts(bucket, id);
  if (job.cancelled_at !== undefined || job.failed_at !== undefined || chunks.size >= job.chunk_count) {
    return describeBatch(job, chunks);
  }
  const cancelled = { ...job, cancelled_at: Math.floor(Date.now() / 1000) };
  await writeJob(bucket, cancelled);
  return describeBatch(cancelled, chunks);
}

/**
 * The job's output JSONL, chunk by chunk in input order. Unless `partial`,
 * a job whose chunks are not all written is a 409.
 *
 * @example
 * const jsonl = await readBatchOutput(config.asyncBatch, "batch_3f9a", false);
 */
export async function readBatchOutput(settings: AsyncBatchSettings, id: string, partial: boolean): Promise<string> {
  const bucket = requireBucket(settings);
  const job = await requireJob(bucket, id);
  const chunks = await listChunkCounts(bucket, id);
  if (!partial && chunks.size < job.chunk_count) {
    throw new ApiError(
      "conflict",
      `batch ${id} is not finished (${chunks.size} of ${job.chunk_count} chunks written); add ?partial=true for what is there`,
      {
        chunks_done: chunks.size,
        chunk_count: job.chunk_count,
      },
    );
  }
  const ready = [...chunks.keys()].sort((a, b) => a - b);
  const parts = await Promise.all(ready.map(async (chunk) => (await bucket.get(batchKeys.output(id, chunk)))?.text() ?? ""));
  return parts.join("");
}

async function requireJob(bucket: R2Bucket, id: string): Promise<BatchJob> {
  // Checked before storage: R2 refuses keys over 1,024 bytes, and no id we made looks otherwise.
  const job = BATCH_ID.test(id) ? await readJob(bucket, id) : undefined;
  if (!job) throw new ApiError("not_found", `no batch '${id}'`, { id });
  return job;
}
