import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv, Config } from "../config/env";

/** Request headers a browser may send: the API key, the JSON body's type, the task deadline. */
const ALLOW_HEADERS = ["Authorization", "content-type", "x-deadline-ms"];
/** Response headers a browser script may read: which backend answered and the per-attempt timings. */
const EXPOSE_HEADERS = ["x-route", "server-timing"];
/** How long (s) a browser may cache a preflight answer. */
const MAX_AGE_S = 600;

// One hono cors handler per parsed config, so once per isolate (see attach-config.ts).
const handlers = new WeakMap<Config, MiddlewareHandler<AppEnv>>();

/**
 * CORS for browser clients, from `CORS_ORIGINS` (`c.var.config.corsOrigins`):
 * answers preflight `OPTIONS` requests with a 204 and adds
 * `Access-Control-Allow-Origin` (and the exposed headers) to every response,
 * errors included, for an allowed origin. With no origins configured it does
 * nothing: no CORS headers, and `OPTIONS` reaches the routes (a 405 with `Allow`).
 *
 * @example
 * app.use("*", allowCors()); // after attachConfig()
 */
export function allowCors(): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const config = c.get("config");
    if (config.corsOrigins.length === 0) return next();
    let handler = handlers.get(config);
    if (!handler) {
      handler = cors({ origin: config.corsOrigins, allowHeaders: ALLOW_HEADERS, exposeHeaders: EXPOSE_HEADERS, maxAge: MAX_AGE_S });
      handlers.set(config, handler);
    }
    return handler(c, next);
  };
}
