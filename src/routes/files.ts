import type { OpenAPIHono } from "@hono/zod-openapi";
import { getBatchFile, isBatchFileId, readBatchFileContent } from "../batch/batch-files";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";
import { deleteFileObjects, fileKeys, listFileRecords, readFileRecord } from "../files/file-store";
import { requireFileBucket, uploadFile } from "../files/upload-file";
import { deleteFileRoute, getFileContentRoute, getFileRoute, listFilesRoute, uploadFileRoute } from "./files-schemas";

/**
 * Mounts OpenAI's Files API for batch input and output: upload (streamed
 * into R2), list, get, content (streamed) and delete.
 *
 * @example
 * registerFilesRoutes(app);
 */
export function registerFilesRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(uploadFileRoute, async (c) =>
    c.json(await uploadFile(c.get("config").asyncBatch, c.req.raw.body, c.req.header("content-type")), 200),
  );
  app.openapi(listFilesRoute, async (c) => {
    const { after, limit, purpose } = c.req.valid("query");
    const page = await listFileRecords(requireFileBucket(c.get("config").asyncBatch), { limit, after });
    return c.json(
      { object: "list" as const, data: page.data.filter((file) => !purpose || file.purpose === purpose), has_more: page.has_more },
      200,
    );
  });
  app.openapi(getFileRoute, async (c) => {
    const id = c.req.valid("param").file_id;
    const settings = c.get("config").asyncBatch;
    if (isBatchFileId(id)) return c.json(await getBatchFile(settings, id), 200);
    return c.json(await requireUpload(requireFileBucket(settings), id), 200);
  });
  app.openapi(getFileContentRoute, async (c) => {
    const id = c.req.valid("param").file_id;
    const settings = c.get("config").asyncBatch;
    const bucket = requireFileBucket(settings);
    const body = isBatchFileId(id) ? await readBatchFileContent(settings, id) : await readUploadContent(bucket, id);
    // zod-openapi types `application/jsonl` as a JSON response; the body is a byte stream.
    return new Response(body, { status: 200, headers: { "content-type": "application/jsonl" } }) as never;
  });
  app.openapi(deleteFileRoute, async (c) => {
    const id = c.req.valid("param").file_id;
    const bucket = requireFileBucket(c.get("config").asyncBatch);
    if (isBatchFileId(id))
      throw new ApiError("invalid_request", `file '${id}' is a batch's output; it is kept as long as its batch`, { id });
    await requireUpload(bucket, id);
    await deleteFileObjects(bucket, id);
    return c.json({ id, object: "file" as const, deleted: true as const }, 200);
  });
}

async function requireUpload(bucket: R2Bucket, id: string) {
  const file = await readFileRecord(bucket, id);
  if (!file) throw new ApiError("not_found", `no file '${id}'`, { id });
  return file;
}

async function readUploadContent(bucket: R2Bucket, id: string): Promise<ReadableStream<Uint8Array>> {
  await requireUpload(bucket, id);
  const object = await bucket.get(fileKeys.content(id));
  if (!object) throw new ApiError("not_found", `no file '${id}'`, { id });
  return object.body;
}
