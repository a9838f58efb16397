import { createRoute, z } from "@hono/zod-openapi";
import { errorSchema } from "../api/error-schema";

const batchSchema = z
  .object({
    id: z.string().openapi({ example: "batch_3f9a1c2e5b7d4e0fa1b2c3d4e5f60718" }),
    object: z.literal("batch"),
    endpoint: z.string().openapi({ description: "The URL every valid line names, or `mixed`.", example: "/v1/tasks/answer" }),
    status: z.enum(["validating", "in_progress", "completed", "cancelling", "cancelled", "failed"]),
    created_at: z.int().openapi({ description: "Unix seconds." }),
    cancelled_at: z.int().optional(),
    request_counts: z.object({ total: z.int(), completed: z.int(), failed: z.int() }),
    output_ready: z.boolean().openapi({ description: "Every line has an output line: GET /v1/batches/{id}/output answers." }),
    errors: z
      .object({ object: z.literal("list"), data: z.array(z.object({ line: z.int(), code: z.string(), message: z.string() })) })
      .optional()
      .openapi({ description: "Lines rejected at validation (1-based); each still gets an error line in the output." }),
  })
  .openapi("Batch");

const jsonError = (description: string) => ({ description, content: { "application/json": { schema: errorSchema } } });
const idParams = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "batch_3f9a1c2e" }) });
const batchReply = (description: string) => ({ description, content: { "application/json": { schema: batchSchema } } });
const jsonlExample =
  '{"custom_id":"q1","method":"POST","url":"/v1/tasks/answer","body":{"question":"Who wrote Hamlet?"}}\n' +
  '{"custom_id":"c1","method":"POST","url":"/v1/completions","body":{"prompt":"Once upon a time","max_tokens":16}}\n';

/** Plain OpenAPI schemas (not zod): a zod body would make the validator parse JSONL as JSON. */
export const createBatchRoute = createRoute({
  method: "post",
  path: "/v1/batches",
  operationId: "createBatch",
  tags: ["batches"],
  summary: "Create an async batch from OpenAI Batch JSONL (one request per line).",
  request: {
    body: {
      content: {
        "application/jsonl": { schema: { type: "string" }, example: jsonlExample },
        "application/x-ndjson": { schema: { type: "string" } },
        "text/plain": { schema: { type: "string" } },
        "application/json": { schema: { type: "object", properties: { input: { type: "string" } }, required: ["input"] } },
      },
    },
  },
  responses: {
    200: batchReply("The batch, queued; invalid lines are listed in `errors`."),
    400: jsonError("The JSON form is not JSON."),
    413: jsonError("Body over MAX_BODY_BYTES, or more lines than BATCH_MAX_LINES."),
    415: jsonError("Unsupported content type."),
    422: jsonError("No request lines, or the JSON form lacks `input`."),
    503: jsonError("The BATCHES bucket or BATCH_QUEUE is not configured, or the queue refused the chunks."),
  },
});

export const getBatchRoute = createRoute({
  method: "get",
  path: "/v1/batches/{id}",
  operationId: "getBatch",
  tags: ["batches"],
  summary: "A batch's status and request counts.",
  request: { params: idParams },
  responses: { 200: batchReply("The batch."), 404: jsonError("No such batch.") },
});

export const getBatchOutputRoute = createRoute({
  method: "get",
  path: "/v1/batches/{id}/output",
  operationId: "getBatchOutput",
  tags: ["batches"],
  summary: "The output JSONL: one line per input line, in input order, error lines included.",
  request: { params: idParams, query: z.object({ partial: z.enum(["true", "false"]).optional() }) },
  responses: {
    200: {
      description: 'Lines `{ "id", "custom_id", "response": { "status_code", "body" } | null, "error": { "code", "message" } | null }`.',
      content: { "application/jsonl": { schema: { type: "string" } } },
    },
    404: jsonError("No such batch."),
    409: jsonError("The batch is not finished (use ?partial=true)."),
  },
});

export const cancelBatchRoute = createRoute({
  method: "post",
  path: "/v1/batches/{id}/cancel",
  operationId: "cancelBatch",
  tags: ["batches"],
  summary: "Cancel a batch: lines not yet run become `batch_cancelled` error lines.",
  request: { params: idParams },
  responses: { 200: batchReply("The batch, cancelling or cancelled."), 404: jsonError("No such batch.") },
});
