import type { BatchJob, BatchPlan, ChunkCounts, LineError } from "./batch-types";

export type BatchStatus = "validating" | "failed" | "in_progress" | "finalizing" | "completed" | "expired" | "cancelling" | "cancelled";

/** The OpenAI batch object every batch endpoint answers with (plus `output_ready`). */
export interface BatchObject {
  id: string;
  object: "batch";
  endpoint: string;
  errors: { object: "list"; data: LineError[] } | null;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
  /** Every line has an output line: `GET /v1/batches/{id}/output` answers. */
  output_ready: boolean;
}

/** What is known of a job: its request, validation result, cancel time and written chunks. */
export interface JobState {
  job: BatchJob;
  plan?: BatchPlan;
  cancelledAt?: number;
  chunks: Map<number, ChunkCounts>;
}

/**
 * The output and error file ids of a job: derived from its id, so they need
 * no record of their own; the files are streamed from the chunk objects.
 *
 * @example
 * batchFileIds("batch_3f9a…").output; // "file-out-3f9a…"
 */
export function batchFileIds(batchId: string): { output: string; error: string } {
  const hex = batchId.replace(/^batch_/, "");
  return { output: `file-out-${hex}`, error: `file-err-${hex}` };
}

/**
 * A job's batch object, its status derived from what is in R2: validating
 * until the plan exists, done once every chunk has output (completed,
 * cancelled or expired), cancelling while a cancelled job's chunks finish.
 *
 * @example
 * describeBatch({ job, plan, chunks: await listChunkCounts(bucket, job.id) }).status; // "in_progress"
 */
export function describeBatch({ job, plan, cancelledAt, chunks }: JobState): BatchObject {
  const done = plan !== undefined && !plan.failed && chunks.size >= plan.chunk_count;
  let completed = 0;
  let failed = 0;
  let finishedAt = plan?.validated_at ?? job.created_at;
  let expired = false;
  for (const counts of chunks.values()) {
    completed += counts.completed;
    failed += counts.failed;
    finishedAt = Math.max(finishedAt, counts.uploaded);
    expired ||= counts.unrun === "batch_expired";
  }
  const status = describeStatus(plan, cancelledAt, done, expired);
  const ids = batchFileIds(job.id);
  const at = (wanted: BatchStatus) => (status === wanted ? finishedAt : null);
  return {
    id: job.id,
    object: "batch",
    endpoint: job.endpoint ?? plan?.endpoint ?? "mixed",
    errors: plan && plan.errors.length > 0 ? { object: "list", data: plan.errors } : null,
    input_file_id: job.input_file_id,
    completion_window: job.completion_window,
    status,
    output_file_id: done && completed > 0 ? ids.output : null,
    error_file_id: done && failed > 0 ? ids.error : null,
    created_at: job.created_at,
    in_progress_at: plan && !plan.failed ? plan.validated_at : null,
    expires_at: job.expires_at,
    finalizing_at: done ? finishedAt : null,
    completed_at: at("completed"),
    failed_at: plan?.failed ? plan.validated_at : null,
    expired_at: at("expired"),
    cancelling_at: cancelledAt ?? null,
    cancelled_at: at("cancelled"),
    request_counts: { total: plan?.total ?? 0, completed, failed },
    metadata: job.metadata,
    output_ready: done,
  };
}

function describeStatus(plan: BatchPlan | undefined, cancelledAt: number | undefined, done: boolean, expired: boolean): BatchStatus {
  if (plan?.failed) return "failed";
  if (cancelledAt !== undefined) return done ? "cancelled" : "cancelling";
  if (!plan) return "validating";
  if (!done) return "in_progress";
  return expired ? "expired" : "completed";
}
