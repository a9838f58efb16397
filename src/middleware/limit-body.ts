import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";

/** Multipart framing around an upload's bytes: boundaries and part headers. */
const MULTIPART_SLACK = 64 * 1024;

/**
 * Admits only bodies the router can read, before they are parsed: a body
 * with a `Content-Encoding` other than identity is a 415 (Workers hand the
 * Worker the bytes as sent, and neither the limits nor the parsers could
 * judge compressed ones), and one over the limit a 413: `MAX_BODY_BYTES`,
 * except for uploads (`POST /v1/files` and JSONL `POST /v1/batches`), which
 * stream into R2 under `BATCH_MAX_BYTES`. The limits are read per request
 * because they are bindings.
 *
 * @example
 * app.use("/v1/*", limitBody());
 */
export function limitBody(): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const encoding = c.req.raw.body ? c.req.header("content-encoding")?.trim().toLowerCase() : undefined;
    if (encoding && encoding !== "identity") {
      throw new ApiError("unsupported_media_type", `content-encoding '${encoding}' is not supported: send the body uncompressed`);
    }
    const config = c.get("config");
    const maxSize = isUpload(c.req.method, c.req.path, c.req.header("content-type"))
      ? config.asyncBatch.maxBytes + MULTIPART_SLACK
      : config.maxBodyBytes;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError("payload_too_large", `request body exceeds the limit of ${maxSize} bytes`, { limit: maxSize });
      },
    })(c, next);
  };
}

function isUpload(method: string, path: string, contentType: string | undefined): boolean {
  if (method !== "POST") return false;
  if (path === "/v1/files") return true;
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  return path === "/v1/batches" && mediaType !== "application/json";
}
