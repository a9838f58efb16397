import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../config/env";
import { summarizeWindow } from "../middleware/request-metrics";

const rowSchema = z.object({
  task: z.string().openapi({ description: "The task, or the route for requests that ran none (files, batches, models)." }),
  backend: z.string().openapi({ description: "The backend that answered, or `none`." }),
  requests: z.int(),
  errors: z.int().openapi({ description: "Answers with a 4xx or 5xx status." }),
  latency_ms: z.object({ p50: z.number(), p95: z.number(), max: z.number() }),
  prompt_tokens: z.int(),
  completion_tokens: z.int(),
});

const route = createRoute({
  method: "get",
  path: "/v1/metrics",
  operationId: "getMetrics",
  tags: ["operations"],
  summary: "This isolate's /v1 requests over the last METRICS_WINDOW_SECONDS, per task and backend.",
  description:
    "A Worker runs in many isolates; this is the one that answered. The fleet-wide figures are in Workers Analytics Engine (the METRICS binding): see the README's production guide for the SQL.",
  responses: {
    200: {
      description: "The window's summary.",
      content: {
        "application/json": {
          schema: z.object({
            window_seconds: z.int(),
            since: z.int().openapi({ description: "Unix seconds." }),
            requests: z.int(),
            rows: z.array(rowSchema),
          }),
        },
      },
    },
  },
});

/**
 * Mounts `GET /v1/metrics`.
 *
 * @example
 * registerMetrics(app);
 */
export function registerMetrics(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, (c) => c.json(summarizeWindow(c.get("config").metricsWindowSeconds, Date.now()), 200));
}
