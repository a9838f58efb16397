import { ApiError } from "../errors/api-error";
import { readFileRecord } from "../files/file-store";
import type { AsyncBatchSettings, BatchJob, LineError } from "./batch-types";
import { batchKeys, putJson, requireBucket } from "./batch-store";
import { describeBatch, type BatchObject } from "./describe-batch";
import { isBatchEndpoint } from "./parse-batch-line";

/** What `POST /v1/batches` asks for, in OpenAI's terms. */
export interface CreateBatchRequest {
  inputFileId: string;
  /** The URL every line must name; null (the JSONL shortcut) lets lines name any. */
  endpoint: string | null;
  completionWindow: "24h";
  metadata: Record<string, string> | null;
}

const WINDOW_SECONDS = { "24h": 24 * 60 * 60 };

/**
 * Creates an async job from an uploaded `batch` file: records the job and
 * queues its validation, which reads the file once and queues its chunks.
 * Answers at once, with status `validating`.
 *
 * @example
 * const batch = await createBatch({ inputFileId: "file-…", endpoint: "/v1/completions", completionWindow: "24h", metadata: null }, settings);
 */
export async function createBatch(request: CreateBatchRequest, settings: AsyncBatchSettings): Promise<BatchObject> {
  const bucket = requireBucket(settings);
  const { queue } = settings;
  if (!queue) throw new ApiError("backend_unavailable", "async batches need the BATCH_QUEUE queue binding");
  if (request.endpoint !== null && !isBatchEndpoint(request.endpoint)) {
    throw new ApiError(
      "invalid_request",
      `endpoint: must be /v1/completions or /v1/tasks/{task}, not '${request.endpoint}'`,
      { path: ["endpoint"] },
      { param: "endpoint" },
    );
  }
  const file = await readFileRecord(bucket, request.inputFileId);
  if (!file) throw new ApiError("not_found", `no file '${request.inputFileId}'`, { path: ["input_file_id"] }, { param: "input_file_id" });
  if (file.purpose !== "batch") {
    throw new ApiError("invalid_request", `input_file_id: file '${file.id}' has purpose '${file.purpose}', not 'batch'`, undefined, {
      param: "input_file_id",
    });
  }
  const created = Math.floor(Date.now() / 1000);
  const job: BatchJob = {
    id: `batch_${crypto.randomUUID().replaceAll("-", "")}`,
    input_file_id: file.id,
    endpoint: request.endpoint,
    completion_window: request.completionWindow,
    metadata: request.metadata,
    created_at: created,
    expires_at: created + WINDOW_SECONDS[request.completionWindow],
  };
  await putJson(bucket, batchKeys.job(job.id), job);
  await bucket.put(batchKeys.index(job), "");
  try {
    await queue.send({ kind: "validate", batchId: job.id });
  } catch (error) {
    // A job whose validation never reaches the queue would validate forever.
    const refused: LineError = {
      code: "queue_unavailable",
      message: "the batch could not be queued; retry later",
      line: null,
      param: null,
    };
    await putJson(bucket, batchKeys.plan(job.id), {
      validated_at: created,
      failed: true,
      total: 0,
      chunk_count: 0,
      endpoint: "mixed",
      errors: [refused],
      error_count: 1,
    });
    throw new ApiError("backend_unavailable", "the batch could not be queued; retry later", { batch: job.id }, { cause: error });
  }
  return describeBatch({ job, chunks: new Map() });
}
