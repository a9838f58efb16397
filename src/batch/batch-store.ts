import { ApiError } from "../errors/api-error";
import { jobSchema, type AsyncBatchSettings, type BatchJob, type ChunkCounts, type OutputLine } from "./batch-types";
import { splitJsonl } from "./validate-batch-input";

/**
 * The R2 layout of one job: `batches/{id}/input.jsonl` (as sent),
 * `batches/{id}/job.json` (the record), `batches/{id}/output/{chunk}.jsonl`
 * (one object per chunk, whole-object writes, so a redelivered chunk
 * replaces its own lines and never adds to them).
 */
export const batchKeys = {
  input: (id: string) => `batches/${id}/input.jsonl`,
  job: (id: string) => `batches/${id}/job.json`,
  outputPrefix: (id: string) => `batches/${id}/output/`,
  output: (id: string, chunk: number) => `batches/${id}/output/${chunk}.jsonl`,
};

/**
 * The `BATCHES` bucket, or a 503 saying async batches are not configured.
 *
 * @example
 * const bucket = requireBucket(config.asyncBatch);
 */
export function requireBucket(settings: AsyncBatchSettings): R2Bucket {
  if (!settings.bucket) throw new ApiError("backend_unavailable", "async batches need the BATCHES R2 bucket binding");
  return settings.bucket;
}

/**
 * Reads a job record; `undefined` when there is none.
 *
 * @example
 * const job = await readJob(bucket, "batch_3f9a");
 */
export async function readJob(bucket: R2Bucket, id: string): Promise<BatchJob | undefined> {
  const object = await bucket.get(batchKeys.job(id));
  return object ? jobSchema.parse(await object.json()) : undefined;
}

/**
 * Writes (replaces) a job record.
 *
 * @example
 * await writeJob(bucket, { ...job, cancelled_at: Date.now() });
 */
export async function writeJob(bucket: R2Bucket, job: BatchJob): Promise<void> {
  await bucket.put(batchKeys.job(job.id), JSON.stringify(job), { httpMetadata: { contentType: "application/json" } });
}

/**
 * The job's input lines, as split at creation.
 *
 * @example
 * const lines = await readInputLines(bucket, id);
 */
export async function readInputLines(bucket: R2Bucket, id: string): Promise<string[]> {
  const object = await bucket.get(batchKeys.input(id));
  if (!object) throw new Error(`batch ${id}: input.jsonl is missing`);
  return splitJsonl(await object.text());
}

/**
 * Writes one chunk's output lines in one object, its tallies in the
 * object's custom metadata.
 *
 * @example
 * await writeChunkOutput(bucket, id, 0, lines);
 */
export async function writeChunkOutput(bucket: R2Bucket, id: string, chunk: number, lines: OutputLine[]): Promise<void> {
  const failed = lines.filter((line) => line.error !== null || (line.response?.status_code ?? 500) >= 400).length;
  await bucket.put(batchKeys.output(id, chunk), lines.map((line) => `${JSON.stringify(line)}\n`).join(""), {
    httpMetadata: { contentType: "application/jsonl" },
    customMetadata: { completed: String(lines.length - failed), failed: String(failed) },
  });
}

/**
 * Which chunks have output, with their tallies: the job's progress, derived
 * from R2 rather than counters that concurrent consumers would race on.
 *
 * @example
 * const done = await listChunkCounts(bucket, id); // Map { 0 => { completed: 50, failed: 0 } }
 */
export async function listChunkCounts(bucket: R2Bucket, id: string): Promise<Map<number, ChunkCounts>> {
  const counts = new Map<number, ChunkCounts>();
  const prefix = batchKeys.outputPrefix(id);
  let cursor: string | undefined;
  do {
    // `include` is honoured at runtime (compatibility date 2023+) but missing from the stable types.
    const page = await bucket.list({ prefix, cursor, include: ["customMetadata"] } as R2ListOptions);
    for (const object of page.objects) {
      const chunk = Number(object.key.slice(prefix.length).replace(/\.jsonl$/, ""));
      const meta = object.customMetadata ?? {};
      counts.set(chunk, { completed: Number(meta.completed ?? 0), failed: Number(meta.failed ?? 0) });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return counts;
}
