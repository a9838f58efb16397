import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse } from "../api/error-schema";

const fileSchema = z
  .object({
    id: z.string().openapi({ example: "file-3f9a1c2e5b7d4e0fa1b2c3d4e5f60718" }),
    object: z.literal("file"),
    bytes: z.int(),
    created_at: z.int().openapi({ description: "Unix seconds." }),
    filename: z.string(),
    purpose: z.string().openapi({ description: "`batch` for uploads; `batch_output` for a batch's output and error files." }),
    status: z.literal("processed"),
    status_details: z.null(),
    expires_at: z.int().nullable(),
  })
  .openapi("File");

const fileReply = (description: string) => ({ description, content: { "application/json": { schema: fileSchema } } });
const idParams = z.object({
  file_id: z.string().openapi({ param: { name: "file_id", in: "path" }, example: "file-3f9a1c2e5b7d4e0fa1b2c3d4e5f60718" }),
});
const tags = ["files"];

/** The multipart body is read as a stream by the handler, so it is described here but not validated by zod. */
export const uploadFileRoute = createRoute({
  method: "post",
  path: "/v1/files",
  operationId: "uploadFile",
  tags,
  summary: "Upload a JSONL batch input file (multipart, streamed into R2; up to BATCH_MAX_BYTES).",
  request: {
    body: {
      content: {
        "multipart/form-data": {
          schema: {
            type: "object",
            properties: { file: { type: "string", format: "binary" }, purpose: { type: "string", enum: ["batch"] } },
            required: ["file", "purpose"],
          },
        },
      },
    },
  },
  responses: {
    200: fileReply("The stored file."),
    413: errorResponse("The file is over BATCH_MAX_BYTES."),
    415: errorResponse("Not multipart/form-data."),
    422: errorResponse("No file part, a purpose other than `batch`, or a malformed multipart body."),
    503: errorResponse("The BATCHES bucket is not configured."),
  },
});

export const listFilesRoute = createRoute({
  method: "get",
  path: "/v1/files",
  operationId: "listFiles",
  tags,
  summary: "Uploaded files, in id order, paged with `after` and `limit`.",
  request: {
    query: z.object({
      after: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
      purpose: z.string().optional(),
    }),
  },
  responses: {
    200: {
      description: "A list object.",
      content: {
        "application/json": { schema: z.object({ object: z.literal("list"), data: z.array(fileSchema), has_more: z.boolean() }) },
      },
    },
  },
});

export const getFileRoute = createRoute({
  method: "get",
  path: "/v1/files/{file_id}",
  operationId: "getFile",
  tags,
  summary: "A file object: an upload, or a finished batch's output or error file.",
  request: { params: idParams },
  responses: { 200: fileReply("The file."), 404: errorResponse("No such file.") },
});

export const getFileContentRoute = createRoute({
  method: "get",
  path: "/v1/files/{file_id}/content",
  operationId: "getFileContent",
  tags,
  summary: "A file's bytes, streamed.",
  request: { params: idParams },
  responses: {
    200: { description: "The file's content (JSONL).", content: { "application/jsonl": { schema: { type: "string" } } } },
    404: errorResponse("No such file."),
  },
});

export const deleteFileRoute = createRoute({
  method: "delete",
  path: "/v1/files/{file_id}",
  operationId: "deleteFile",
  tags,
  summary: "Delete an uploaded file. A batch's output and error files go with their batch and cannot be deleted alone.",
  request: { params: idParams },
  responses: {
    200: {
      description: "Deleted.",
      content: { "application/json": { schema: z.object({ id: z.string(), object: z.literal("file"), deleted: z.literal(true) }) } },
    },
    404: errorResponse("No such file."),
    422: errorResponse("A batch's output or error file."),
  },
});
