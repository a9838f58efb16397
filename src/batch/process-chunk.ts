import { mapBounded } from "./map-bounded";
import type { BatchChunkMessage, BatchJob, OutputLine } from "./batch-types";
import { batchKeys, readInputLines, readJob, writeChunkOutput } from "./batch-store";
import { formatError, formatOutcome } from "./format-output-line";
import { parseBatchLine } from "./parse-batch-line";
import { runBatchItem, type ItemDeps } from "./run-item";

type ErrorBody = { code: string; message: string };

const CANCELLED: ErrorBody = { code: "batch_cancelled", message: "the batch was cancelled before this request ran" };
const CHUNK_FAILED: ErrorBody = { code: "chunk_failed", message: "this request's chunk failed on every delivery" };

/**
 * Runs one chunk of a job and writes its output object: each valid line
 * through the same pipeline as a direct request (bounded concurrency),
 * validation failures as error lines, every line as `batch_cancelled` once
 * the job is cancelled (unless the chunk already has output). Throws only when storage fails, so the queue
 * retries the whole chunk and its single write replaces any earlier one.
 *
 * @example
 * await processChunk(bucket, { batchId, chunk: 0, firstLine: 0, lineCount: 50 }, deps, 8);
 */
export async function processChunk(bucket: R2Bucket, message: BatchChunkMessage, deps: ItemDeps, concurrency: number): Promise<void> {
  const job = await readJob(bucket, message.batchId);
  if (!job) return;
  const texts = await readChunkLines(bucket, message);
  if (job.cancelled_at !== undefined) {
    // A redelivery after the cancel must not replace lines that already ran.
    if (await bucket.head(batchKeys.output(job.id, message.chunk))) return;
    await writeChunkOutput(bucket, job.id, message.chunk, describeUnrun(job, message, texts, CANCELLED));
    return;
  }
  const rejected = new Map(job.errors.map((error) => [error.line, error]));
  const lines = await mapBounded(texts, concurrency, async (text, index) => {
    const line = message.firstLine + index + 1;
    const parsed = parseBatchLine(text);
    // Re-parsing fails exactly for the lines rejected at creation, unless a deploy changed the tasks since.
    if (!parsed.ok) return formatError(job.id, line, parsed.customId, pickError(rejected.get(line) ?? parsed));
    const rejection = rejected.get(line);
    if (rejection) return formatError(job.id, line, parsed.customId, pickError(rejection));
    return formatOutcome(job.id, line, parsed, await runBatchItem(parsed.item, deps));
  });
  await writeChunkOutput(bucket, job.id, message.chunk, lines);
}

/**
 * For the dead-letter queue: a chunk that failed every delivery becomes
 * `chunk_failed` error lines (validation errors keep their own code), unless
 * an earlier delivery did write its output after all.
 *
 * @example
 * await failChunk(bucket, message);
 */
export async function failChunk(bucket: R2Bucket, message: BatchChunkMessage): Promise<void> {
  const job = await readJob(bucket, message.batchId);
  if (!job || (await bucket.head(batchKeys.output(job.id, message.chunk)))) return;
  const texts = await readChunkLines(bucket, message);
  await writeChunkOutput(bucket, job.id, message.chunk, describeUnrun(job, message, texts, CHUNK_FAILED));
}

function describeUnrun(job: BatchJob, message: BatchChunkMessage, texts: string[], reason: ErrorBody): OutputLine[] {
  const rejected = new Map(job.errors.map((error) => [error.line, error]));
  return texts.map((text, index) => {
    const line = message.firstLine + index + 1;
    return formatError(job.id, line, parseBatchLine(text).customId, pickError(rejected.get(line) ?? reason));
  });
}

function pickError(error: ErrorBody): ErrorBody {
  return { code: error.code, message: error.message };
}

async function readChunkLines(bucket: R2Bucket, message: BatchChunkMessage): Promise<string[]> {
  const lines = await readInputLines(bucket, message.batchId);
  return lines.slice(message.firstLine, message.firstLine + message.lineCount);
}
