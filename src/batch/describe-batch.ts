import type { BatchJob, ChunkCounts } from "./batch-types";

export type BatchStatus = "validating" | "in_progress" | "completed" | "cancelling" | "cancelled" | "failed";

/** The OpenAI-style batch object every batch endpoint answers with. */
export interface BatchObject {
  id: string;
  object: "batch";
  endpoint: string;
  status: BatchStatus;
  created_at: number;
  cancelled_at?: number;
  request_counts: { total: number; completed: number; failed: number };
  output_ready: boolean;
  errors?: { object: "list"; data: BatchJob["errors"] };
}

/**
 * A job's batch object, its status derived from which chunk outputs exist:
 * done when every chunk has one (`completed`, or `cancelled` after a
 * cancel), `cancelling` while cancelled chunks are still being written.
 *
 * @example
 * describeBatch(job, await listChunkCounts(bucket, job.id)).status; // "in_progress"
 */
export function describeBatch(job: BatchJob, chunks: Map<number, ChunkCounts>): BatchObject {
  const done = chunks.size >= job.chunk_count;
  let completed = 0;
  let failed = 0;
  for (const counts of chunks.values()) {
    completed += counts.completed;
    failed += counts.failed;
  }
  return {
    id: job.id,
    object: "batch",
    endpoint: job.endpoint,
    status: describeStatus(job, done),
    created_at: job.created_at,
    ...(job.cancelled_at !== undefined ? { cancelled_at: job.cancelled_at } : {}),
    request_counts: { total: job.total, completed, failed },
    output_ready: done,
    ...(job.errors.length > 0 ? { errors: { object: "list" as const, data: job.errors } } : {}),
  };
}

function describeStatus(job: BatchJob, done: boolean): BatchStatus {
  if (job.failed_at !== undefined) return "failed";
  if (job.cancelled_at !== undefined) return done ? "cancelled" : "cancelling";
  return done ? "completed" : "in_progress";
}
