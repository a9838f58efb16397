import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../config/env";
import { createPipelineDeps } from "../pipeline/create-pipeline-deps";

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

const route = createRoute({
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

/**
 * Mounts `GET /v1/models`: each GPU model (however many servers carry it)
 * and the edge model, with the context they take and where they run.
 *
 * @example
 * registerModels(app);
 */
export function registerModels(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, (c) => {
    const models = new Map<string, z.infer<typeof modelSchema>>();
    for (const backend of createPipelineDeps(c.get("config")).backends) {
      if (!backend.complete) continue;
      // The edge's memory plan may hold less than the model's window once it has loaded.
      const contextLength = Math.min(backend.contextTokens, backend.tokenLimit?.() ?? Infinity);
      const known = models.get(backend.model);
      if (known) {
        known.replicas += 1;
        known.context_length = Math.min(known.context_length, contextLength);
        continue;
      }
      const entry = {
        id: backend.model,
        object: "model" as const,
        created: 0,
        owned_by: "zeroshot-router",
        context_length: contextLength,
        backend: backend.kind,
        replicas: 1,
      };
      models.set(backend.model, entry);
    }
    return c.json({ object: "list" as const, data: [...models.values()] }, 200);
  });
}
