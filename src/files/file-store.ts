import { z } from "zod";

/** An OpenAI file object. */
export interface FileObject {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: "processed";
  status_details: null;
  expires_at: number | null;
}

/** What files need: the bucket they live in and the most bytes an upload may have. */
export interface FileSettings {
  bucket?: R2Bucket;
  maxBytes: number;
}

/** Upload ids: `file-` and 32 hex digits. */
export const UPLOADED_FILE_ID = /^file-[0-9a-f]{32}$/;

/**
 * The R2 layout of uploaded files: the bytes at `files/{id}` and the file
 * object, as JSON, at `file-records/{id}`, written last, so a file exists
 * only once its bytes are complete.
 */
export const fileKeys = {
  content: (id: string) => `files/${id}`,
  record: (id: string) => `file-records/${id}`,
  recordPrefix: "file-records/",
};

const recordSchema = z.object({
  id: z.string(),
  object: z.literal("file"),
  bytes: z.int(),
  created_at: z.int(),
  filename: z.string(),
  purpose: z.string(),
  status: z.literal("processed"),
  status_details: z.null(),
  expires_at: z.int().nullable(),
});

/**
 * A new upload id.
 *
 * @example
 * createFileId(); // "file-3f9a1c2e5b7d4e0fa1b2c3d4e5f60718"
 */
export function createFileId(): string {
  return `file-${crypto.randomUUID().replaceAll("-", "")}`;
}

/**
 * The file object of an upload; `undefined` for an unknown or malformed id
 * (checked before storage: R2 refuses keys over 1,024 bytes).
 *
 * @example
 * (await readFileRecord(bucket, "file-3f9a…"))?.bytes; // 1160000
 */
export async function readFileRecord(bucket: R2Bucket, id: string): Promise<FileObject | undefined> {
  if (!UPLOADED_FILE_ID.test(id)) return undefined;
  const object = await bucket.get(fileKeys.record(id));
  return object ? recordSchema.parse(await object.json()) : undefined;
}

/**
 * Writes a file object; the upload's bytes must already be stored.
 *
 * @example
 * await writeFileRecord(bucket, file);
 */
export async function writeFileRecord(bucket: R2Bucket, file: FileObject): Promise<void> {
  const json = JSON.stringify(file);
  // Also in the custom metadata (2 KiB; file names are capped at upload), so a listing reads no object.
  await bucket.put(fileKeys.record(file.id), json, { httpMetadata: { contentType: "application/json" }, customMetadata: { file: json } });
}

/**
 * Deletes an upload: its record first, so it stops existing before its bytes go.
 *
 * @example
 * await deleteFileObjects(bucket, "file-3f9a…");
 */
export async function deleteFileObjects(bucket: R2Bucket, id: string): Promise<void> {
  await bucket.delete(fileKeys.record(id));
  await bucket.delete(fileKeys.content(id));
}

/** R2 lists at most 1,000 keys per call. */
const LIST_PAGE = 1000;

/**
 * A page of uploaded files in id order, after `after` when given, read from
 * the listing's metadata alone.
 *
 * @example
 * const { data, has_more } = await listFileRecords(bucket, { limit: 20 });
 */
export async function listFileRecords(
  bucket: R2Bucket,
  page: { limit: number; after?: string },
): Promise<{ data: FileObject[]; has_more: boolean }> {
  const data: FileObject[] = [];
  let startAfter = page.after && UPLOADED_FILE_ID.test(page.after) ? fileKeys.record(page.after) : undefined;
  let truncated = true;
  while (truncated && data.length < page.limit) {
    const limit = Math.min(LIST_PAGE, page.limit - data.length);
    // `include` is honoured at runtime (compatibility date 2023+) but missing from the stable types.
    const listing = await bucket.list({ prefix: fileKeys.recordPrefix, limit, startAfter, include: ["customMetadata"] } as R2ListOptions);
    for (const object of listing.objects) {
      const parsed = recordSchema.safeParse(JSON.parse(object.customMetadata?.file ?? "null"));
      if (parsed.success) data.push(parsed.data);
    }
    truncated = listing.truncated;
    startAfter = listing.objects.at(-1)?.key;
  }
  return { data, has_more: truncated };
}
