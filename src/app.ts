import { OpenAPIHono } from "@hono/zod-openapi";
import { RegExpRouter } from "hono/router/reg-exp-router";
import type { AppEnv } from "./config/env";
import { allowCors } from "./middleware/allow-cors";
import { handleError } from "./middleware/handle-error";
import { limitBody } from "./middleware/limit-body";
import { attachConfig } from "./middleware/attach-config";
import { rateLimit } from "./middleware/rate-limit";
import { requireKey } from "./middleware/require-key";
import { traceRequest } from "./middleware/trace-request";
import { rejectInvalid } from "./middleware/validation-hook";
import { registerBatchRoute } from "./routes/batch";
import { registerBatchesRoutes } from "./routes/batches";
import { registerCatalog } from "./routes/catalog";
import { registerCompletions } from "./routes/completions";
import { registerDocs } from "./routes/docs";
import { registerFilesRoutes } from "./routes/files";
import { registerHealth } from "./routes/health";
import { registerMetrics } from "./routes/metrics";
import { registerModels } from "./routes/models";
import { rejectUnrouted } from "./routes/reject-unrouted";
import { registerTaskRoutes } from "./routes/tasks";

/**
 * The Hono app: configuration, request ids with one log line each, CORS; on /v1 the API key, body limit and rate limit;
 * routes, the OpenAPI document with its interactive reference (/docs) and the one error handler.
 *
 * @example
 * export default { fetch: createApp().fetch };
 */
export function createApp(): OpenAPIHono<AppEnv> {
  // RegExpRouter alone: one precompiled match per request. Hono's default would silently fall back
  // to its TrieRouter if a route ever needed it; this way such a route fails every test instead.
  const app = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid, router: new RegExpRouter() });
  app.use("*", attachConfig());
  app.use("*", traceRequest());
  app.use("*", allowCors());
  // Keys first, so a caller without one gets nothing read; the rate limiter last,
  // because it reads a batch's (already bounded) body to count its items.
  app.use("/v1/*", requireKey());
  app.use("/v1/*", limitBody());
  app.use("/v1/*", rateLimit());
  registerHealth(app);
  registerCatalog(app);
  registerTaskRoutes(app);
  registerBatchRoute(app);
  registerFilesRoutes(app);
  registerBatchesRoutes(app);
  registerCompletions(app);
  registerModels(app);
  registerMetrics(app);
  registerDocs(app);
  app.notFound(rejectUnrouted(app));
  app.onError(handleError);
  return app;
}
