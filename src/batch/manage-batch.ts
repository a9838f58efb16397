import { ApiError } from "../errors/api-error";
import type { AsyncBatchSettings } from "./batch-types";
import { batchKeys, listChunkCounts, putJson, readCancel, readJob, readPlan, requireBucket } from "./batch-store";
import { describeBatch, type BatchObject, type JobState } from "./describe-batch";
import { streamOutput } from "./stream-output";

/**
 * The batch object of a job, its progress counted from the chunk outputs.
 *
 * @example
 * (await getBatch(config.asyncBatch, "batch_3f9a…")).request_counts; // { total: 1000, completed: 350, failed: 0 }
 */
export async function getBatch(settings: AsyncBatchSettings, id: string): Promise<BatchObject> {
  return describeBatch(await readJobState(requireBucket(settings), id));
}

/**
 * Cancels a job: chunks not yet run write `batch_cancelled` lines, chunks
 * already running finish. A finished, failed or already cancelled job is
 * returned unchanged.
 *
 * @example
 * (await cancelBatch(config.asyncBatch, "batch_3f9a…")).status; // "cancelling"
 */
export async function cancelBatch(settings: AsyncBatchSettings, id: string): Promise<BatchObject> {
  const bucket = requireBucket(settings);
  const state = await readJobState(bucket, id);
  const current = describeBatch(state);
  if (current.status !== "validating" && current.status !== "in_progress") return current;
  const cancelledAt = Math.floor(Date.now() / 1000);
  await putJson(bucket, batchKeys.cancel(id), { cancelled_at: cancelledAt });
  return describeBatch({ ...state, cancelledAt });
}

/**
 * A page of batches, newest first, OpenAI's list object.
 *
 * @example
 * const page = await listBatches(config.asyncBatch, { limit: 20, after: "batch_…" }); // { object: "list", data: [...], has_more }
 */
export async function listBatches(
  settings: AsyncBatchSettings,
  page: { limit: number; after?: string },
): Promise<{ object: "list"; data: BatchObject[]; first_id: string | null; last_id: string | null; has_more: boolean }> {
  const bucket = requireBucket(settings);
  const after = page.after ? await readJob(bucket, page.after) : undefined;
  if (page.after && !after) throw new ApiError("not_found", `no batch '${page.after}'`, undefined, { param: "after" });
  const listing = await bucket.list({
    prefix: batchKeys.indexPrefix,
    limit: page.limit,
    startAfter: after ? batchKeys.index(after) : undefined,
  });
  const ids = listing.objects.map((object) => batchKeys.idOfIndex(object.key));
  const data = await Promise.all(ids.map(async (id) => describeBatch(await readJobState(bucket, id))));
  return { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: listing.truncated };
}

/**
 * The job's output JSONL, every line in input order, streamed. Unless
 * `partial`, a job whose chunks are not all written is a 409.
 *
 * @example
 * const body = await readBatchOutput(config.asyncBatch, "batch_3f9a…", false);
 */
export async function readBatchOutput(settings: AsyncBatchSettings, id: string, partial: boolean): Promise<ReadableStream<Uint8Array>> {
  const bucket = requireBucket(settings);
  const state = await readJobState(bucket, id);
  const batch = describeBatch(state);
  if (!partial && !batch.output_ready) {
    const expected = state.plan?.chunk_count;
    throw new ApiError(
      "conflict",
      `batch ${id} is ${batch.status} (${state.chunks.size} of ${expected ?? "?"} chunks written); add ?partial=true for what is there`,
      {
        chunks_done: state.chunks.size,
        chunk_count: expected ?? null,
      },
    );
  }
  return streamOutput(bucket, id, state.chunks, "all");
}

/**
 * Everything R2 holds about a job, read in parallel; a 404 for an unknown or malformed id.
 *
 * @example
 * const state = await readJobState(bucket, "batch_3f9a…");
 */
export async function readJobState(bucket: R2Bucket, id: string): Promise<JobState> {
  const job = await readJob(bucket, id);
  if (!job) throw new ApiError("not_found", `no batch '${id}'`, { id });
  const [plan, cancelledAt, chunks] = await Promise.all([readPlan(bucket, id), readCancel(bucket, id), listChunkCounts(bucket, id)]);
  return { job, plan, cancelledAt, chunks };
}
