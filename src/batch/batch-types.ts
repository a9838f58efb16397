import { z } from "zod";

/**
 * One queue message: a slice of an async job's input lines (0-based
 * `firstLine`). The message names lines, never carries them, so it stays
 * small whatever the lines hold.
 */
export const chunkMessageSchema = z.object({
  batchId: z.string().regex(/^batch_[0-9a-f]+$/),
  chunk: z.int().min(0),
  firstLine: z.int().min(0),
  lineCount: z.int().min(1),
});

export type BatchChunkMessage = z.infer<typeof chunkMessageSchema>;

/** Async batches (`POST /v1/batches`): where jobs live, how they are cut, how fast chunks run. */
export interface AsyncBatchSettings {
  /** JSONL inputs, job records and outputs; absent when the deployment has no `BATCHES` bucket. */
  bucket?: R2Bucket;
  /** Chunks of a job's lines, consumed by this Worker's `queue` handler. */
  queue?: Queue<BatchChunkMessage>;
  /** Most lines per job, lines per queue message, lines run at once per message. */
  maxLines: number;
  chunkLines: number;
  concurrency: number;
}

/** A line rejected at validation; `line` is 1-based, as editors count. */
export interface LineError {
  line: number;
  code: string;
  message: string;
}

/** `batches/{id}/job.json`: written at creation and by cancel only, so consumers never race on it. */
export const jobSchema = z.object({
  id: z.string(),
  endpoint: z.string(),
  created_at: z.int(),
  total: z.int(),
  chunk_count: z.int(),
  chunk_lines: z.int(),
  errors: z.array(z.object({ line: z.int(), code: z.string(), message: z.string() })),
  cancelled_at: z.int().optional(),
  failed_at: z.int().optional(),
});

export type BatchJob = z.infer<typeof jobSchema>;

/** One line of a job's output, in the OpenAI Batch output format. */
export interface OutputLine {
  id: string;
  custom_id: string | null;
  response: { status_code: number; body: unknown } | null;
  error: { code: string; message: string } | null;
}

/** Per-chunk tallies, kept in the chunk object's R2 custom metadata so a listing can sum them. */
export interface ChunkCounts {
  completed: number;
  failed: number;
}
