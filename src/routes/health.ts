import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../config/env";
import { createBackends } from "../model/create-backends";

const backendSchema = z.object({
  id: z.string(),
  kind: z.enum(["edge", "gpu"]),
  model: z.string(),
  ok: z.boolean().optional(),
  detail: z.string().optional(),
  memory: z
    .object({
      model_mb: z.number(),
      wasm_mb: z.number().optional(),
      budget_mb: z.number(),
      context_tokens: z.number().int(),
      peak_step_js_mb: z.number(),
    })
    .optional()
    .openapi({
      description:
        "Edge only, with ?check=true (MiB): the model file, ORT's wasm memory (its peak so far), the budget, the context that fits it, and the most one inference step held in JS.",
    }),
});

const route = createRoute({
  method: "get",
  path: "/health",
  operationId: "health",
  tags: ["service"],
  summary: "Liveness, the configured backends and, with ?check=true, whether each answers.",
  request: { query: z.object({ check: z.enum(["true", "false"]).optional() }) },
  responses: {
    200: {
      description: "The router is up.",
      content: {
        "application/json": { schema: z.object({ status: z.literal("ok"), backends: z.array(backendSchema) }) },
      },
    },
  },
});

/**
 * Mounts `GET /health`. The router itself being up is what the status says;
 * backend reachability is reported beside it, not folded into it.
 *
 * @example
 * registerHealth(app);
 */
export function registerHealth(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const check = c.req.valid("query").check === "true";
    const backends = createBackends(c.get("config"));
    const described = await Promise.all(
      backends.map(async (backend) => ({
        id: backend.id,
        kind: backend.kind,
        model: backend.model,
        ...(check ? await backend.health() : {}),
      })),
    );
    return c.json({ status: "ok" as const, backends: described }, 200);
  });
}
