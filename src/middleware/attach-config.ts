import type { MiddlewareHandler } from "hono";
import { loadConfig } from "../config/load-config";
import type { AppEnv } from "../config/env";

/**
 * Parses the bindings into `c.var.config` for every request.
 *
 * @example
 * app.use("*", attachConfig());
 */
export function attachConfig(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("config", loadConfig(c.env));
    await next();
  };
}
