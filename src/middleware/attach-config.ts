import type { MiddlewareHandler } from "hono";
import { loadConfig } from "../config/load-config";
import type { AppEnv, Config } from "../config/env";

// workerd hands every request of an isolate the same env object, and vars change only with a new isolate.
const parsed = new WeakMap<object, Config>();

/**
 * Parses the bindings into `c.var.config`, once per env object (so once per
 * isolate in production; a test that passes its own env gets its own parse).
 *
 * @example
 * app.use("*", attachConfig());
 */
export function attachConfig(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const known = parsed.get(c.env);
    const config = known ?? loadConfig(c.env);
    if (!known) parsed.set(c.env, config);
    c.set("config", config);
    await next();
  };
}
