import { ApiError } from "../errors/api-error";
import type { AsyncBatchSettings, BatchChunkMessage, BatchJob } from "./batch-types";
import { batchKeys, requireBucket, writeJob } from "./batch-store";
import { describeBatch, type BatchObject } from "./describe-batch";
import { splitJsonl, validateBatchInput } from "./validate-batch-input";

/** Queues' `sendBatch` takes at most 100 messages per call. */
const SEND_BATCH_LIMIT = 100;

/**
 * Creates an async job from a JSONL body: validates every line, stores the
 * input and the job record in R2 and enqueues one message per chunk of
 * lines. Invalid lines are listed in `errors` and still get output lines.
 *
 * @example
 * const batch = await createBatch(jsonl, c.var.config.asyncBatch); // { id: "batch_…", status: "in_progress", … }
 */
export async function createBatch(body: string, settings: AsyncBatchSettings): Promise<BatchObject> {
  const bucket = requireBucket(settings);
  const { queue } = settings;
  if (!queue) throw new ApiError("backend_unavailable", "async batches need the BATCH_QUEUE queue binding");
  const lines = splitJsonl(body);
  if (lines.length === 0) throw new ApiError("invalid_request", "the batch has no request lines", { path: ["input"] });
  const { maxLines, chunkLines } = settings;
  if (lines.length > maxLines) {
    throw new ApiError("payload_too_large", `the batch has ${lines.length} lines; at most ${maxLines} are allowed`, { limit: maxLines });
  }
  const { errors, endpoint } = validateBatchInput(lines);
  const job: BatchJob = {
    id: `batch_${crypto.randomUUID().replaceAll("-", "")}`,
    endpoint,
    created_at: Math.floor(Date.now() / 1000),
    total: lines.length,
    chunk_count: Math.ceil(lines.length / chunkLines),
    chunk_lines: chunkLines,
    errors,
  };
  await bucket.put(batchKeys.input(job.id), `${lines.join("\n")}\n`, { httpMetadata: { contentType: "application/jsonl" } });
  await writeJob(bucket, job);
  await enqueueChunks(queue, job).catch(async (error: unknown) => {
    // Chunks that never reach the queue would leave the job in progress forever.
    await writeJob(bucket, { ...job, failed_at: Math.floor(Date.now() / 1000) });
    console.error(`batch ${job.id}: enqueueing failed`, error);
    throw new ApiError("backend_unavailable", "the batch could not be queued; retry later", { batch: job.id });
  });
  return describeBatch(job, new Map());
}

async function enqueueChunks(queue: Queue<BatchChunkMessage>, job: BatchJob): Promise<void> {
  const messages = Array.from({ length: job.chunk_count }, (_, chunk) => {
    const firstLine = chunk * job.chunk_lines;
    return { body: { batchId: job.id, chunk, firstLine, lineCount: Math.min(job.chunk_lines, job.total - firstLine) } };
  });
  for (let start = 0; start < messages.length; start += SEND_BATCH_LIMIT) {
    await queue.sendBatch(messages.slice(start, start + SEND_BATCH_LIMIT));
  }
}
