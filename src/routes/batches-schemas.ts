import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse } from "../api/error-schema";

const lineErrorSchema = z.object({ code: z.string(), message: z.string(), line: z.int().nullable(), param: z.string().nullable() });
const stamp = (description: string) => z.int().nullable().openapi({ description });

const batchSchema = z
  .object({
    id: z.string().openapi({ example: "batch_3f9a1c2e5b7d4e0fa1b2c3d4e5f60718" }),
    object: z.literal("batch"),
    endpoint: z.string().openapi({
      description: "The URL every line names; for the JSONL shortcut, the URL the valid lines share, or `mixed`.",
      example: "/v1/completions",
    }),
    errors: z
      .object({ object: z.literal("list"), data: z.array(lineErrorSchema) })
      .nullable()
      .openapi({
        description:
          "Validation errors: the file's (the batch failed) or its lines' (1-based; each still gets an error-file line). At most 100 are listed.",
      }),
    input_file_id: z.string(),
    completion_window: z.string(),
    status: z.enum(["validating", "failed", "in_progress", "finalizing", "completed", "expired", "cancelling", "cancelled"]),
    output_file_id: z
      .string()
      .nullable()
      .openapi({ description: "Lines that ran and got a 2xx, once the batch is done: GET /v1/files/{id}/content." }),
    error_file_id: z
      .string()
      .nullable()
      .openapi({ description: "Lines that failed, were invalid, cancelled or expired, once the batch is done." }),
    created_at: z.int().openapi({ description: "Unix seconds." }),
    in_progress_at: stamp("Validation finished."),
    expires_at: z.int(),
    finalizing_at: stamp("The last chunk was written."),
    completed_at: stamp("Set when completed."),
    failed_at: stamp("Set when validation refused the file."),
    expired_at: stamp("Set when expired."),
    cancelling_at: stamp("When the cancel arrived."),
    cancelled_at: stamp("Set when cancelled."),
    request_counts: z.object({ total: z.int(), completed: z.int(), failed: z.int() }),
    metadata: z.record(z.string(), z.string()).nullable(),
    output_ready: z.boolean().openapi({ description: "Every line has an output line: GET /v1/batches/{id}/output answers." }),
  })
  .openapi("Batch");

const idParams = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "batch_3f9a1c2e5b7d4e0fa1b2c3d4e5f60718" }),
});
const batchReply = (description: string) => ({ description, content: { "application/json": { schema: batchSchema } } });
const jsonlExample =
  '{"custom_id":"q1","method":"POST","url":"/v1/tasks/answer","body":{"question":"Who wrote Hamlet?"}}\n' +
  '{"custom_id":"c1","method":"POST","url":"/v1/completions","body":{"prompt":"Once upon a time","max_tokens":16}}\n';

/** The OpenAI form of a create request, checked by the handler (the route also takes JSONL). */
export const createBatchBodySchema = z.object({
  input_file_id: z.string().min(1),
  endpoint: z.string().min(1),
  completion_window: z.literal("24h"),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((value) => Object.keys(value).length <= 16, "at most 16 keys")
    .nullable()
    .optional(),
});

/** Plain OpenAPI schemas (not zod): a zod body would make the validator parse JSONL as JSON. */
export const createBatchRoute = createRoute({
  method: "post",
  path: "/v1/batches",
  operationId: "createBatch",
  tags: ["batches"],
  summary: "Create an async batch from an uploaded file (OpenAI's form), or from JSONL sent in the body (a shortcut).",
  request: {
    body: {
      content: {
        "application/jsonl": { schema: { type: "string" }, example: jsonlExample },
        "application/x-ndjson": { schema: { type: "string" } },
        "text/plain": { schema: { type: "string" } },
        "application/json": {
          schema: {
            oneOf: [
              {
                type: "object",
                properties: {
                  input_file_id: { type: "string" },
                  endpoint: { type: "string", example: "/v1/completions" },
                  completion_window: { type: "string", enum: ["24h"] },
                  metadata: { type: "object", additionalProperties: { type: "string" }, nullable: true },
                },
                required: ["input_file_id", "endpoint", "completion_window"],
              },
              { type: "object", properties: { input: { type: "string", description: "JSONL text." } }, required: ["input"] },
            ],
          },
        },
      },
    },
  },
  responses: {
    200: batchReply(
      "The batch, `validating`: a queue consumer reads the file once, lists invalid lines in `errors`, and queues its chunks.",
    ),
    400: errorResponse("The JSON form is not JSON."),
    404: errorResponse("No such input file."),
    413: errorResponse("A JSONL body over BATCH_MAX_BYTES, or a JSON body over MAX_BODY_BYTES."),
    415: errorResponse("Unsupported content type."),
    422: errorResponse("A field is missing or wrong (endpoint, completion_window, metadata, the file's purpose)."),
    503: errorResponse("The BATCHES bucket or BATCH_QUEUE is not configured, or the queue refused the chunks."),
  },
});

export const listBatchesRoute = createRoute({
  method: "get",
  path: "/v1/batches",
  operationId: "listBatches",
  tags: ["batches"],
  summary: "Batches, newest first, paged with `after` (a batch id) and `limit`.",
  request: { query: z.object({ after: z.string().optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }) },
  responses: {
    200: {
      description: "A list object.",
      content: {
        "application/json": {
          schema: z.object({
            object: z.literal("list"),
            data: z.array(batchSchema),
            first_id: z.string().nullable(),
            last_id: z.string().nullable(),
            has_more: z.boolean(),
          }),
        },
      },
    },
    404: errorResponse("`after` names no batch."),
  },
});

export const getBatchRoute = createRoute({
  method: "get",
  path: "/v1/batches/{id}",
  operationId: "getBatch",
  tags: ["batches"],
  summary: "A batch's status and request counts.",
  request: { params: idParams },
  responses: { 200: batchReply("The batch."), 404: errorResponse("No such batch.") },
});

export const getBatchOutputRoute = createRoute({
  method: "get",
  path: "/v1/batches/{id}/output",
  operationId: "getBatchOutput",
  tags: ["batches"],
  summary: "All output lines, one per input line, in input order, error lines included (a shortcut beside the output and error files).",
  request: { params: idParams, query: z.object({ partial: z.enum(["true", "false"]).optional() }) },
  responses: {
    200: {
      description: 'Lines `{ "id", "custom_id", "response": { "status_code", "body" } | null, "error": { "code", "message" } | null }`.',
      content: { "application/jsonl": { schema: { type: "string" } } },
    },
    404: errorResponse("No such batch."),
    409: errorResponse("The batch is not finished (use ?partial=true)."),
  },
});

export const cancelBatchRoute = createRoute({
  method: "post",
  path: "/v1/batches/{id}/cancel",
  operationId: "cancelBatch",
  tags: ["batches"],
  summary: "Cancel a batch: lines not yet run become `batch_cancelled` error lines.",
  request: { params: idParams },
  responses: { 200: batchReply("The batch, cancelling or cancelled."), 404: errorResponse("No such batch.") },
});
