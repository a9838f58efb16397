import { ApiError } from "../errors/api-error";
import type { FileObject } from "../files/file-store";
import type { AsyncBatchSettings } from "./batch-types";
import { requireBucket } from "./batch-store";
import { describeBatch } from "./describe-batch";
import { readJobState } from "./manage-batch";
import { streamOutput } from "./stream-output";

const BATCH_FILE_ID = /^file-(out|err)-([0-9a-f]{32})$/;

/**
 * Whether a file id names a batch's output or error file rather than an upload.
 *
 * @example
 * isBatchFileId("file-out-3f9a1c2e5b7d4e0fa1b2c3d4e5f60718"); // true
 */
export function isBatchFileId(id: string): boolean {
  return BATCH_FILE_ID.test(id);
}

/**
 * The file object of a finished batch's output (`file-out-…`) or error
 * (`file-err-…`) file; a 404 until the batch has one.
 *
 * @example
 * (await getBatchFile(settings, batch.output_file_id)).bytes; // 5_120_000
 */
export async function getBatchFile(settings: AsyncBatchSettings, id: string): Promise<FileObject> {
  return (await openBatchFile(settings, id)).file;
}

/**
 * A finished batch's output or error file, streamed from its chunk objects.
 *
 * @example
 * return new Response(await readBatchFileContent(settings, id));
 */
export async function readBatchFileContent(settings: AsyncBatchSettings, id: string): Promise<ReadableStream<Uint8Array>> {
  return (await openBatchFile(settings, id)).content();
}

function ignoreNotFound(error: unknown): undefined {
  if (error instanceof ApiError && error.type === "not_found") return undefined;
  throw error;
}

async function openBatchFile(
  settings: AsyncBatchSettings,
  id: string,
): Promise<{ file: FileObject; content: () => ReadableStream<Uint8Array> }> {
  const [, kind, hex] = BATCH_FILE_ID.exec(id) ?? [];
  const bucket = requireBucket(settings);
  const batchId = `batch_${hex}`;
  const state = hex ? await readJobState(bucket, batchId).catch(ignoreNotFound) : undefined;
  const batch = state && describeBatch(state);
  const wantsOutput = kind === "out";
  if (!state || !batch || (wantsOutput ? batch.output_file_id : batch.error_file_id) !== id)
    throw new ApiError("not_found", `no file '${id}'`, { id });
  let bytes = 0;
  for (const counts of state.chunks.values()) bytes += wantsOutput ? counts.okBytes : counts.errorBytes;
  const file: FileObject = {
    id,
    object: "file",
    bytes,
    created_at: batch.finalizing_at ?? batch.created_at,
    filename: `${batchId}_${wantsOutput ? "output" : "error"}.jsonl`,
    purpose: "batch_output",
    status: "processed",
    status_details: null,
    expires_at: null,
  };
  return { file, content: () => streamOutput(bucket, batchId, state.chunks, wantsOutput ? "ok" : "failed") };
}
