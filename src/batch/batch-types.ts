import { z } from "zod";
import type { FileSettings } from "../files/file-store";

const batchId = z.string().regex(/^batch_[0-9a-f]{32}$/);

/**
 * Queue messages. `validate` reads a new job's input file once and enqueues
 * its chunks; `chunk` runs one slice of lines, named by line numbers and the
 * byte range that holds them, never carried, so messages stay small.
 */
export const batchMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("validate"), batchId }),
  z.object({
    kind: z.literal("chunk"),
    batchId,
    chunk: z.int().min(0),
    /** 0-based index of the chunk's first line in the input file. */
    firstLine: z.int().min(0),
    lineCount: z.int().min(1),
    /** Byte range of the chunk's lines in the input file. */
    offset: z.int().min(0),
    length: z.int().min(0),
    /** 1-based numbers of lines in this chunk whose custom_id an earlier line already used. */
    duplicates: z.array(z.int()).default([]),
  }),
]);

export type BatchMessage = z.input<typeof batchMessageSchema>;
export type ChunkMessage = Extract<z.output<typeof batchMessageSchema>, { kind: "chunk" }>;

/** Async batches (`/v1/files`, `/v1/batches`): where jobs live, how they are cut, how fast chunks run. */
export interface AsyncBatchSettings extends FileSettings {
  /** Validation and chunk messages, consumed by this Worker's `queue` handler. */
  queue?: Queue<BatchMessage>;
  /** Most lines per job, lines per queue message, lines run at once per message. */
  maxLines: number;
  chunkLines: number;
  concurrency: number;
  /** Longest line (one request body) in bytes: what a direct request may send. */
  maxLineBytes: number;
  /** Fault injection (BATCH_FAULT_CRASH_AFTER_LINES): a chunk's first delivery throws after this many lines ran. */
  crashAfterLines?: number;
}

/** A line or file rejected at validation; `line` is 1-based, as editors count, and absent for the file as a whole. */
export interface LineError {
  code: string;
  message: string;
  line: number | null;
  param: string | null;
}

const lineErrorSchema = z.object({ code: z.string(), message: z.string(), line: z.int().nullable(), param: z.string().nullable() });

/** `batches/{id}/job.json`: what the client asked for, written once at creation. */
export const jobSchema = z.object({
  id: batchId,
  input_file_id: z.string(),
  /** The one URL every line must name, or null for the JSONL shortcut, whose lines may name any. */
  endpoint: z.string().nullable(),
  completion_window: z.string(),
  metadata: z.record(z.string(), z.string()).nullable(),
  created_at: z.int(),
  expires_at: z.int(),
});

export type BatchJob = z.infer<typeof jobSchema>;

/** `batches/{id}/plan.json`: what validation found, written once by the validator. */
export const planSchema = z.object({
  validated_at: z.int(),
  /** Set when the file as a whole was refused (too many lines, missing file): the batch failed. */
  failed: z.boolean(),
  total: z.int(),
  chunk_count: z.int(),
  /** The URL the valid lines share, or `mixed`. */
  endpoint: z.string(),
  /** The first MAX_REPORTED_ERRORS errors; `error_count` counts them all. */
  errors: z.array(lineErrorSchema),
  error_count: z.int(),
});

export type BatchPlan = z.infer<typeof planSchema>;

/** One line of a job's output, in the OpenAI Batch output format. */
export interface OutputLine {
  id: string;
  custom_id: string | null;
  response: { status_code: number; body: unknown } | null;
  error: { code: string; message: string } | null;
}

/** Per-chunk facts, kept in the chunk object's R2 custom metadata so one listing sums a job. */
export interface ChunkCounts {
  completed: number;
  failed: number;
  /** Bytes of the ok lines and of the error lines: the sizes of the output and error files. */
  okBytes: number;
  errorBytes: number;
  /** Which of the chunk's lines failed, as a hex bitmap (bit i = line i of the chunk). */
  failedLines: string;
  /** Why lines did not run, when none did: `batch_cancelled` or `batch_expired`. */
  unrun?: string;
  uploaded: number;
}
