import { ApiError } from "../errors/api-error";
import { concatBytes } from "./split-lines";

/**
 * R2 multipart parts: every part but the last must have the same size, at
 * least 5 MiB. One part is what the Worker holds in memory while uploading.
 */
export const PART_BYTES = 5 * 1024 * 1024;

/**
 * Streams bytes into one R2 object without holding them whole: a single put
 * for up to one part, a multipart upload above that. Over `maxBytes` the
 * upload is aborted and a 413 thrown; any failure aborts it too.
 *
 * @example
 * const bytes = await storeUpload(bucket, "files/file-3f9a…", part.body, 200 * 1024 * 1024);
 */
export async function storeUpload(
  bucket: R2Bucket,
  key: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxBytes: number,
): Promise<number> {
  let upload: R2MultipartUpload | undefined;
  const parts: R2UploadedPart[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let total = 0;
  const flush = async (bytes: Uint8Array) => {
    upload ??= await bucket.createMultipartUpload(key);
    parts.push(await upload.uploadPart(parts.length + 1, bytes));
  };
  try {
    for await (const chunk of chunks) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new ApiError("payload_too_large", `the file exceeds the limit of ${maxBytes} bytes`, { limit: maxBytes });
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      while (pendingBytes >= PART_BYTES) {
        const joined = concatBytes(pending, pendingBytes);
        await flush(joined.subarray(0, PART_BYTES));
        pending = [joined.subarray(PART_BYTES)];
        pendingBytes -= PART_BYTES;
      }
    }
    const rest = concatBytes(pending, pendingBytes);
    if (!upload) {
      await bucket.put(key, rest);
      return total;
    }
    if (rest.byteLength > 0) await flush(rest);
    await upload.complete(parts);
    return total;
  } catch (error) {
    await upload?.abort().catch(() => undefined);
    throw error;
  }
}
