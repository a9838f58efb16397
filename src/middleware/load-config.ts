import type { MiddlewareHandler } from "hono";
import { loadConfig } from "../config";
import type { AppEnv } from "../env";

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
