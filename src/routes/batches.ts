import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createBatch, type CreateBatchRequest } from "../batch/create-batch";
import { cancelBatch, getBatch, listBatches, readBatchOutput } from "../batch/manage-batch";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";
import { parseOrThrow } from "../errors/parse-or-throw";
import { storeBatchInput } from "../files/upload-file";
import { z } from "zod";
import {
  cancelBatchRoute,
  createBatchBodySchema,
  createBatchRoute,
  getBatchOutputRoute,
  getBatchRoute,
  listBatchesRoute,
} from "./batches-schemas";

const JSONL_TYPES = ["application/jsonl", "application/x-ndjson", "text/plain"];
const jsonFormSchema = z.object({ input: z.string() });

/**
 * Mounts OpenAI's Batch API: `POST /v1/batches` (from an uploaded file, or
 * JSONL in the body as a shortcut), `GET /v1/batches` (paged),
 * `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`, and
 * `GET /v1/batches/{id}/output` (every line in input order). The work runs
 * in the queue consumer.
 *
 * @example
 * registerBatchesRoutes(app);
 */
export function registerBatchesRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createBatchRoute, async (c) => c.json(await createBatch(await readCreateRequest(c), c.get("config").asyncBatch), 200));
  app.openapi(listBatchesRoute, async (c) => c.json(await listBatches(c.get("config").asyncBatch, c.req.valid("query")), 200));
  app.openapi(getBatchRoute, async (c) => c.json(await getBatch(c.get("config").asyncBatch, c.req.valid("param").id), 200));
  app.openapi(cancelBatchRoute, async (c) => c.json(await cancelBatch(c.get("config").asyncBatch, c.req.valid("param").id), 200));
  app.openapi(getBatchOutputRoute, async (c) => {
    const output = await readBatchOutput(c.get("config").asyncBatch, c.req.valid("param").id, c.req.valid("query").partial === "true");
    // zod-openapi types `application/jsonl` as a JSON response; the body is a JSONL byte stream.
    return new Response(output, { status: 200, headers: { "content-type": "application/jsonl" } }) as never;
  });
}

/** OpenAI's `{ input_file_id, endpoint, completion_window }`, or JSONL (raw, or as `input`) stored as a file first. */
async function readCreateRequest(c: Context<AppEnv>): Promise<CreateBatchRequest> {
  const settings = c.get("config").asyncBatch;
  const type = (c.req.header("content-type") ?? "text/plain").split(";")[0]?.trim().toLowerCase() ?? "";
  const shortcut = { endpoint: null, completionWindow: "24h" as const, metadata: null };
  if (JSONL_TYPES.includes(type)) {
    const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
    return { ...shortcut, inputFileId: (await storeBatchInput(settings, body, "batch.jsonl")).id };
  }
  if (type !== "application/json") {
    throw new ApiError(
      "unsupported_media_type",
      `send JSON { "input_file_id", "endpoint", "completion_window" }, or JSONL as ${JSONL_TYPES.join(", ")}`,
    );
  }
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw new ApiError("invalid_json", "malformed JSON body");
  }
  // A body with `input` and no `input_file_id` is the JSONL shortcut, so a bad `input` is named.
  if (typeof json === "object" && json !== null && "input" in json && !("input_file_id" in json)) {
    const { input } = parseOrThrow(jsonFormSchema, json, { param: true });
    return { ...shortcut, inputFileId: (await storeBatchInput(settings, [new TextEncoder().encode(input)], "batch.jsonl")).id };
  }
  const { input_file_id, endpoint, completion_window, metadata } = parseOrThrow(createBatchBodySchema, json, { param: true });
  return { inputFileId: input_file_id, endpoint, completionWindow: completion_window, metadata: metadata ?? null };
}
