import { ApiError } from "../errors/api-error";
import { createFileId, deleteFileObjects, fileKeys, writeFileRecord, type FileObject, type FileSettings } from "./file-store";
import { readBoundary, readMultipart, type MultipartPart } from "./read-multipart";
import { storeUpload } from "./store-upload";

/** Purposes this router has a use for: batch input files. */
const PURPOSES = new Set(["batch"]);
const MAX_FIELD_BYTES = 1024;
/** File names are kept to this many characters: the file object rides in R2 custom metadata (2 KiB). */
const MAX_FILENAME = 255;

/**
 * `POST /v1/files`: streams the `file` part of a multipart body into R2 as
 * it arrives and records the file object. `purpose` must be `batch`; it may
 * come before or after the file, as clients order fields differently.
 *
 * @example
 * const file = await uploadFile(settings, request.body, request.headers.get("content-type")); // { id: "file-…", bytes: 1160000, purpose: "batch", … }
 */
export async function uploadFile(
  settings: FileSettings,
  body: ReadableStream<Uint8Array> | null,
  contentType: string | undefined,
): Promise<FileObject> {
  const bucket = requireFileBucket(settings);
  const boundary = readBoundary(contentType);
  if (!body) throw new ApiError("invalid_request", "the request has no body", undefined, { param: "file" });
  const id = createFileId();
  let purpose: string | undefined;
  let stored: { filename: string; bytes: number } | undefined;
  try {
    for await (const part of readMultipart(body, boundary)) {
      if (part.name === "file" && part.filename !== undefined && !stored) {
        const bytes = await storeUpload(bucket, fileKeys.content(id), part.body, settings.maxBytes);
        stored = { filename: (part.filename || "upload.jsonl").slice(0, MAX_FILENAME), bytes };
      } else if (part.name === "purpose") {
        purpose = await readField(part);
      }
    }
    if (!stored) throw new ApiError("invalid_request", "file: a file part is required", { path: ["file"] }, { param: "file" });
    if (purpose === undefined || !PURPOSES.has(purpose)) {
      throw new ApiError(
        "invalid_request",
        `purpose: must be 'batch' (got ${purpose === undefined ? "none" : `'${purpose}'`})`,
        { path: ["purpose"] },
        { param: "purpose" },
      );
    }
  } catch (error) {
    if (stored) await deleteFileObjects(bucket, id);
    throw error;
  }
  const file = describeUpload(id, stored.filename, stored.bytes, purpose);
  await writeFileRecord(bucket, file);
  return file;
}

/**
 * Stores a raw JSONL body as a `batch` file, streaming: the one-call
 * `POST /v1/batches` shortcut goes through here.
 *
 * @example
 * const file = await storeBatchInput(settings, request.body, "batch.jsonl");
 */
export async function storeBatchInput(
  settings: FileSettings,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  filename: string,
): Promise<FileObject> {
  const bucket = requireFileBucket(settings);
  const id = createFileId();
  const bytes = await storeUpload(bucket, fileKeys.content(id), chunks, settings.maxBytes);
  const file = describeUpload(id, filename, bytes, "batch");
  await writeFileRecord(bucket, file);
  return file;
}

function describeUpload(id: string, filename: string, bytes: number, purpose: string): FileObject {
  const created = Math.floor(Date.now() / 1000);
  return { id, object: "file", bytes, created_at: created, filename, purpose, status: "processed", status_details: null, expires_at: null };
}

/**
 * The bucket files live in, or a 503 saying files are not configured.
 *
 * @example
 * const bucket = requireFileBucket(config.files);
 */
export function requireFileBucket(settings: FileSettings): R2Bucket {
  if (!settings.bucket) throw new ApiError("backend_unavailable", "files and async batches need the BATCHES R2 bucket binding");
  return settings.bucket;
}

async function readField(part: MultipartPart): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of part.body) {
    text += decoder.decode(chunk, { stream: true });
    if (text.length > MAX_FIELD_BYTES) throw new ApiError("invalid_request", `${part.name}: the field is too long`, { path: [part.name] });
  }
  return (text + decoder.decode()).trim();
}
