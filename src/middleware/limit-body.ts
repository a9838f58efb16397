import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";

/**
 * Rejects bodies over the configured `MAX_BODY_BYTES` with a 413 before they
 * are parsed; the limit is read per request because it is a binding.
 *
 * @example
 * app.use("/v1/*", limitBody());
 */
export function limitBody(): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const maxSize = c.var.config.maxBodyBytes;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError("payload_too_large", `request body exceeds the limit of ${maxSize} bytes`, { limit: maxSize });
      },
    })(c, next);
  };
}
