import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { createBackends } from "../model/create-backends";

const backendSchema = z.object({
  id: z.string(),
  kind: z.enum(["edge", "gpu"]),
  model: z.string(),
  ok: z.boolean().optional(),
  detail: z.string().optional(),
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
    const backends = createBackends(c.var.config);
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
