import { z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createBatch } from "../batch/create-batch";
import { cancelBatch, getBatch, readBatchOutput } from "../batch/manage-batch";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";
import { cancelBatchRoute, createBatchRoute, getBatchOutputRoute, getBatchRoute } from "./batches-schemas";

const JSONL_TYPES = ["application/jsonl", "application/x-ndjson", "text/plain"];
const jsonFormSchema = z.object({ input: z.string() });

/**
 * Mounts the async batch API (OpenAI Batch format): `POST /v1/batches`,
 * `GET /v1/batches/{id}`, `GET /v1/batches/{id}/output` and
 * `POST /v1/batches/{id}/cancel`. The work runs in the queue consumer.
 *
 * @example
 * registerBatchesRoutes(app);
 */
export function registerBatchesRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createBatchRoute, async (c) => c.json(await createBatch(await readJsonl(c), c.var.config.asyncBatch), 200));
  app.openapi(getBatchRoute, async (c) => c.json(await getBatch(c.var.config.asyncBatch, c.req.valid("param").id), 200));
  app.openapi(cancelBatchRoute, async (c) => c.json(await cancelBatch(c.var.config.asyncBatch, c.req.valid("param").id), 200));
  app.openapi(getBatchOutputRoute, async (c) => {
    const output = await readBatchOutput(c.var.config.asyncBatch, c.req.valid("param").id, c.req.valid("query").partial === "true");
    // zod-openapi types `application/jsonl` as a JSON response; the body is JSONL text.
    return new Response(output, { status: 200, headers: { "content-type": "application/jsonl" } }) as never;
  });
}

/** The JSONL text of a create request: the body itself, or `input` of the JSON form. */
async function readJsonl(c: Context<AppEnv>): Promise<string> {
  const type = (c.req.header("content-type") ?? "text/plain").split(";")[0]?.trim().toLowerCase() ?? "";
  // Decoded by hand: workerd warns when .text() reads a content type it does not know as text.
  if (JSONL_TYPES.includes(type)) return new TextDecoder().decode(await c.req.arrayBuffer());
  if (type !== "application/json") {
    throw new ApiError("unsupported_media_type", `send JSONL as ${JSONL_TYPES.join(", ")}, or JSON { "input": "<jsonl>" }`);
  }
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw new ApiError("invalid_json", "malformed JSON body");
  }
  const parsed = jsonFormSchema.safeParse(json);
  if (!parsed.success) throw new ApiError("invalid_request", "input: a JSONL string is required", { path: ["input"] });
  return parsed.data.input;
}
