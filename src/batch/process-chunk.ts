import { fileKeys } from "../files/file-store";
import { splitLines } from "../files/split-lines";
import type { AsyncBatchSettings, BatchJob, ChunkMessage, OutputLine } from "./batch-types";
import { batchKeys, readCancel, readJob, writeChunkOutput } from "./batch-store";
import { formatError, formatOutcome } from "./format-output-line";
import { mapBounded } from "./map-bounded";
import { checkBatchLine, type InvalidLine, type ValidLine } from "./parse-batch-line";
import { runBatchItem, type ItemDeps } from "./run-item";

type ErrorBody = { code: string; message: string };

const UNRUN = {
  cancelled: { code: "batch_cancelled", message: "the batch was cancelled before this request ran" },
  expired: { code: "batch_expired", message: "the batch's completion window ended before this request ran" },
  failed: { code: "chunk_failed", message: "this request's chunk failed on every delivery" },
} satisfies Record<string, ErrorBody>;

/** One delivery of a chunk: which attempt it is, so fault injection can crash only the first. */
export interface Delivery {
  attempts: number;
}

/**
 * Runs one chunk of a job and writes its output object. Reads only the
 * chunk's byte range of the input file; runs each valid line through the
 * same pipeline as a direct request (bounded concurrency); writes error
 * lines for invalid and duplicate lines, and `batch_cancelled` or
 * `batch_expired` lines once the job is cancelled or past its window. A
 * chunk that already has output is done: a redelivery returns at once,
 * so each input line gets exactly one output line. Throws only when
 * storage fails, so the queue retries the chunk.
 *
 * @example
 * await processChunk(bucket, message, deps, settings, { attempts: 1 });
 */
export async function processChunk(
  bucket: R2Bucket,
  message: ChunkMessage,
  deps: ItemDeps,
  settings: AsyncBatchSettings,
  delivery: Delivery,
): Promise<void> {
  const job = await readJob(bucket, message.batchId);
  if (!job || (await bucket.head(batchKeys.output(job.id, message.chunk)))) return;
  const checked = await readChunkLines(bucket, job, message, settings.maxLineBytes);
  const unrun = (await readCancel(bucket, job.id)) !== undefined ? "cancelled" : Date.now() / 1000 > job.expires_at ? "expired" : undefined;
  if (unrun) {
    await writeChunkOutput(bucket, job.id, message.chunk, describeUnrun(job, message, checked, UNRUN[unrun]), UNRUN[unrun].code);
    return;
  }
  const crashAfter = delivery.attempts === 1 ? settings.crashAfterLines : undefined;
  let ran = 0;
  const duplicates = new Set(message.duplicates);
  const lines = await mapBounded(checked, settings.concurrency, async (parsed, index) => {
    const line = message.firstLine + index + 1;
    if (!parsed.ok) return formatError(job.id, line, parsed.customId, pickError(parsed));
    if (duplicates.has(line))
      return formatError(job.id, line, parsed.customId, {
        code: "duplicate_custom_id",
        message: `custom_id '${parsed.customId}' is used by an earlier line`,
      });
    const output = formatOutcome(job.id, line, parsed, await runBatchItem(parsed.item, deps));
    ran += 1;
    if (crashAfter !== undefined && ran >= crashAfter) throw new Error(`injected crash after ${ran} lines (BATCH_FAULT_CRASH_AFTER_LINES)`);
    return output;
  });
  await writeChunkOutput(bucket, job.id, message.chunk, lines);
}

/**
 * For the dead-letter queue: a chunk that failed every delivery becomes
 * `chunk_failed` error lines (invalid lines keep their own error), unless
 * an earlier delivery did write its output after all.
 *
 * @example
 * await failChunk(bucket, message, settings);
 */
export async function failChunk(bucket: R2Bucket, message: ChunkMessage, settings: AsyncBatchSettings): Promise<void> {
  const job = await readJob(bucket, message.batchId);
  if (!job || (await bucket.head(batchKeys.output(job.id, message.chunk)))) return;
  const checked = await readChunkLines(bucket, job, message, settings.maxLineBytes).catch(() => []);
  await writeChunkOutput(bucket, job.id, message.chunk, describeUnrun(job, message, checked, UNRUN.failed));
}

/** The chunk's lines, judged as the validator judged them; fewer than `lineCount` only if the file is gone. */
async function readChunkLines(
  bucket: R2Bucket,
  job: BatchJob,
  message: ChunkMessage,
  maxLineBytes: number,
): Promise<Array<ValidLine | InvalidLine>> {
  const checked: Array<ValidLine | InvalidLine> = [];
  if (message.length === 0) return checked;
  const object = await bucket.get(fileKeys.content(job.input_file_id), { range: { offset: message.offset, length: message.length } });
  if (!object) throw new Error(`batch ${job.id}: input file ${job.input_file_id} is missing`);
  for await (const line of splitLines(object.body, maxLineBytes)) {
    if (checked.length === message.lineCount) break;
    checked.push(checkBatchLine(line.text, job.endpoint));
  }
  return checked;
}

function describeUnrun(job: BatchJob, message: ChunkMessage, checked: Array<ValidLine | InvalidLine>, reason: ErrorBody): OutputLine[] {
  return Array.from({ length: message.lineCount }, (_, index) => {
    const parsed = checked[index];
    const error = parsed && !parsed.ok ? pickError(parsed) : reason;
    return formatError(job.id, message.firstLine + index + 1, parsed?.customId ?? null, error);
  });
}

function pickError(error: ErrorBody): ErrorBody {
  return { code: error.code, message: error.message };
}
