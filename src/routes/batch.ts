import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { batchItemSchema } from "../api/batch-item";
import { errorResponse, errorSchema } from "../api/error-schema";
import { routeSchema } from "../api/task-response";
import { runSyncBatch } from "../batch/run-sync-batch";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";
import { describeError } from "../middleware/handle-error";
import { createPipelineDeps } from "../pipeline/create-pipeline-deps";

// Items are any JSON here, documented as BatchItem: runSyncBatch checks each one on its own, so a
// malformed item becomes that item's error result instead of a 422 for the whole batch.
const requestSchema = z
  .object({ requests: z.array(z.unknown().openapi({ allOf: [{ $ref: "#/components/schemas/BatchItem" }] })).min(1) })
  .openapi("BatchRequest");

const resultSchema = z
  .object({
    id: z.string(),
    status: z.enum(["ok", "error"]),
    task: z.string().optional(),
    output: z.unknown().optional(),
    error: errorSchema.shape.error.optional(),
    backend: z.string().optional(),
    model: z.string().optional(),
    usage: z.object({ prompt_tokens: z.int(), completion_tokens: z.int() }),
    truncated: z.boolean().optional(),
    route: routeSchema.optional(),
  })
  .openapi({ description: "An ok item carries the body a direct task request answers; an error item its error." })
  .openapi("BatchResult");

const route = createRoute({
  method: "post",
  path: "/v1/batch",
  operationId: "runBatch",
  tags: ["batch"],
  summary: "Run up to BATCH_MAX_ITEMS task requests at once; one item's failure never fails the others.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: requestSchema,
          example: { requests: [{ id: "q1", task: "answer", input: { question: "Who wrote Hamlet?" } }] },
        },
      },
    },
  },
  responses: {
    200: {
      description: "Results in request order, with totals.",
      content: {
        "application/json": {
          schema: z.object({ results: z.array(resultSchema), totals: z.record(z.string(), z.unknown()) }),
        },
      },
    },
    413: errorResponse("More items than BATCH_MAX_ITEMS."),
    422: errorResponse("The body is not a batch."),
  },
});

/**
 * Mounts `POST /v1/batch`: mixed tasks, bounded concurrency, GPU items
 * grouped into prompt-array calls, per-item results and errors.
 *
 * @example
 * registerBatchRoute(app);
 */
export function registerBatchRoute(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.register("BatchItem", batchItemSchema);
  app.openapi(route, async (c) => {
    const { requests } = c.req.valid("json");
    const { maxItems, concurrency, maxSubrequests } = c.get("config").syncBatch;
    if (requests.length > maxItems) {
      throw new ApiError("payload_too_large", `a batch holds at most ${maxItems} requests (got ${requests.length})`, {
        limit: maxItems,
      });
    }
    const pipeline = createPipelineDeps(c.get("config"), { coalesce: concurrency, subrequestLimit: maxSubrequests });
    const { results, totals } = await runSyncBatch(requests, { pipeline, describeError }, concurrency);
    return c.json({ results, totals }, 200);
  });
}
