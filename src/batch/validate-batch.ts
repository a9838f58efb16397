import { fileKeys } from "../files/file-store";
import { splitLines, type StreamLine } from "../files/split-lines";
import type { AsyncBatchSettings, BatchJob, BatchPlan, ChunkMessage, LineError } from "./batch-types";
import { batchKeys, putJson, readCancel, readJob } from "./batch-store";
import { checkBatchLine } from "./parse-batch-line";

/** The batch object lists this many line errors; `error_count` has them all, the error file every one. */
export const MAX_REPORTED_ERRORS = 100;
/** Queues' `sendBatch` takes at most 100 messages per call. */
const SEND_BATCH_LIMIT = 100;

/**
 * The consumer's first step for a new job: reads its input file as a
 * stream, once, judging each line and cutting the lines into chunks of
 * `chunkLines` with their byte ranges; queues the chunks, then writes the
 * plan. The plan comes last, so a validator that dies midway is simply
 * redelivered, and chunks queued twice are harmless (see processChunk).
 * A file over BATCH_MAX_LINES, empty, or gone fails the whole job.
 *
 * @example
 * await validateBatch(bucket, "batch_3f9a…", settings);
 */
export async function validateBatch(bucket: R2Bucket, batchId: string, settings: AsyncBatchSettings): Promise<void> {
  const job = await readJob(bucket, batchId);
  if (!job || (await bucket.head(batchKeys.plan(batchId)))) return;
  const now = Math.floor(Date.now() / 1000);
  if ((await readCancel(bucket, batchId)) !== undefined) {
    await putJson(bucket, batchKeys.plan(batchId), emptyPlan(now, false, []));
    return;
  }
  const file = await bucket.get(fileKeys.content(job.input_file_id));
  if (!file) return failJob(bucket, job, now, "file_not_found", `input file '${job.input_file_id}' no longer exists`);
  const scan = await scanLines(job, file.body, settings);
  if (scan.tooMany) {
    return failJob(bucket, job, now, "too_many_lines", `the file has more than ${settings.maxLines} request lines (BATCH_MAX_LINES)`);
  }
  if (scan.total === 0) return failJob(bucket, job, now, "empty_file", "the file has no request lines");
  const queue = settings.queue;
  if (!queue) throw new Error("BATCH_QUEUE is not bound");
  for (let start = 0; start < scan.messages.length; start += SEND_BATCH_LIMIT) {
    await queue.sendBatch(scan.messages.slice(start, start + SEND_BATCH_LIMIT).map((body) => ({ body })));
  }
  const plan: BatchPlan = {
    validated_at: now,
    failed: false,
    total: scan.total,
    chunk_count: scan.messages.length,
    endpoint: scan.urls.size === 1 ? ([...scan.urls][0] ?? "mixed") : "mixed",
    errors: scan.errors,
    error_count: scan.errorCount,
  };
  await putJson(bucket, batchKeys.plan(batchId), plan);
}

interface Scan {
  total: number;
  tooMany: boolean;
  messages: ChunkMessage[];
  errors: LineError[];
  errorCount: number;
  urls: Set<string>;
}

async function scanLines(job: BatchJob, body: ReadableStream<Uint8Array>, settings: AsyncBatchSettings): Promise<Scan> {
  const scan: Scan = { total: 0, tooMany: false, messages: [], errors: [], errorCount: 0, urls: new Set() };
  const seen = new Map<string, number>();
  let chunk: ChunkMessage | undefined;
  let blanks: StreamLine[] = [];
  const judge = async (line: StreamLine) => {
    scan.total += 1;
    const number = scan.total;
    if (!chunk || chunk.lineCount === settings.chunkLines) {
      chunk = {
        kind: "chunk",
        batchId: job.id,
        chunk: scan.messages.length,
        firstLine: number - 1,
        lineCount: 0,
        offset: line.start,
        length: 0,
        duplicates: [],
      };
      scan.messages.push(chunk);
    }
    chunk.lineCount += 1;
    chunk.length = line.end - chunk.offset;
    const checked = checkBatchLine(line.text, job.endpoint);
    if (!checked.ok) return report(scan, { code: checked.code, message: checked.message, line: number, param: checked.param });
    const key = await rememberedId(checked.customId);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, number);
      scan.urls.add(checked.url);
      return;
    }
    chunk.duplicates.push(number);
    report(scan, {
      code: "duplicate_custom_id",
      message: `custom_id '${checked.customId}' is already used on line ${first}`,
      line: number,
      param: "custom_id",
    });
  };
  for await (const line of splitLines(body, settings.maxLineBytes)) {
    // Blank lines count only when a request line follows: a file may end in blank lines.
    if (line.text !== undefined && line.text.trim() === "") {
      blanks.push(line);
      continue;
    }
    if (scan.total + blanks.length + 1 > settings.maxLines) {
      scan.tooMany = true;
      break;
    }
    for (const blank of blanks) await judge(blank);
    blanks = [];
    await judge(line);
  }
  return scan;
}

function report(scan: Scan, error: LineError): void {
  scan.errorCount += 1;
  if (scan.errors.length < MAX_REPORTED_ERRORS) scan.errors.push(error);
}

function emptyPlan(now: number, failed: boolean, errors: LineError[]): BatchPlan {
  return { validated_at: now, failed, total: 0, chunk_count: 0, endpoint: "mixed", errors, error_count: errors.length };
}

async function failJob(bucket: R2Bucket, job: BatchJob, now: number, code: string, message: string): Promise<void> {
  await putJson(bucket, batchKeys.plan(job.id), emptyPlan(now, true, [{ code, message, line: null, param: null }]));
}

/** Long custom_ids are remembered by digest, so 50,000 ids of 512 characters cannot crowd the isolate's memory. */
async function rememberedId(customId: string): Promise<string> {
  if (customId.length <= 64) return customId;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(customId));
  return `#${[...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
