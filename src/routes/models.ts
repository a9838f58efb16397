import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { errorResponse } from "../api/error-schema";
import type { AppEnv, Config } from "../config/env";
import { createPipelineDeps } from "../pipeline/create-pipeline-deps";
import { modelNotFound } from "../pipeline/run-completion";

const modelSchema = z
  .object({
    id: z.string().openapi({ example: "gpt2-xl" }),
    object: z.literal("model"),
    created: z.int(),
    owned_by: z.string(),
    context_length: z.int(),
    backend: z.enum(["edge", "gpu"]),
    replicas: z.int().openapi({ description: "Backends serving it, load-balanced with retries and fallback." }),
  })
  .openapi("Model");

type Model = z.infer<typeof modelSchema>;

const listRoute = createRoute({
  method: "get",
  path: "/v1/models",
  operationId: "listModels",
  tags: ["openai"],
  summary: "The models POST /v1/completions serves, in OpenAI's list shape.",
  responses: {
    200: {
      description: "Every served model.",
      content: { "application/json": { schema: z.object({ object: z.literal("list"), data: z.array(modelSchema) }) } },
    },
  },
});

// Documented with one path parameter; served by one that may span segments (below), because served model names
// often hold a slash ("openai-community/gpt2"), which clients may or may not percent-encode.
const retrieveRoute = createRoute({
  method: "get",
  path: "/v1/models/{model}",
  operationId: "retrieveModel",
  tags: ["openai"],
  summary: "One served model, as OpenAI's models.retrieve reads it.",
  request: {
    params: z.object({
      model: z.string().openapi({ example: "gpt2", description: "The model id; one holding a slash may send it as is or as %2F." }),
    }),
  },
  responses: {
    200: { description: "The model.", content: { "application/json": { schema: modelSchema } } },
    404: errorResponse("No served model has this id (`code: model_not_found`)."),
  },
});

/**
 * Mounts `GET /v1/models` (each GPU model, however many servers carry it,
 * and the edge model, with the context they take and where they run) and
 * `GET /v1/models/{model}`, one of them or OpenAI's 404.
 *
 * @example
 * registerModels(app);
 */
export function registerModels(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, (c) => c.json({ object: "list" as const, data: listModels(c.get("config")) }, 200));
  app.openAPIRegistry.registerPath(retrieveRoute);
  app.get("/v1/models/:model{.+}", (c) => {
    const id = c.req.param("model");
    const model = listModels(c.get("config")).find((entry) => entry.id === id);
    if (!model) throw modelNotFound(id);
    return c.json(model, 200);
  });
}

function listModels(config: Config): Model[] {
  const models = new Map<string, Model>();
  for (const backend of createPipelineDeps(config).backends) {
    if (!backend.complete) continue;
    // The edge's memory plan may hold less than the model's window once it has loaded.
    const contextLength = Math.min(backend.contextTokens, backend.tokenLimit?.() ?? Infinity);
    const known = models.get(backend.model);
    if (known) {
      known.replicas += 1;
      known.context_length = Math.min(known.context_length, contextLength);
      continue;
    }
    const entry: Model = {
      id: backend.model,
      object: "model",
      created: 0,
      owned_by: "zeroshot-router",
      context_length: contextLength,
      backend: backend.kind,
      replicas: 1,
    };
    models.set(backend.model, entry);
  }
  return [...models.values()];
}
