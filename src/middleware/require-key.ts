import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";

// RFC 6750: the scheme is case-insensitive, the token one run of token68 characters.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * When `API_KEYS` lists digests, lets a request through only with
 * `Authorization: Bearer <key>` whose SHA-256 matches one of them, compared in
 * constant time; otherwise a 401 `unauthorized` (with `WWW-Authenticate:
 * Bearer`). The accepted key's hex digest goes to `c.var.keyDigest` for the
 * rate limiter; the key itself is never stored, logged or echoed.
 *
 * @example
 * app.use("/v1/*", requireKey());
 */
export function requireKey(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { digests } = c.get("config").keys;
    // No keys configured: the router stays open, as it was before keys existed.
    // CORS preflights carry no credentials by design and do no work.
    if (digests.length === 0 || c.req.method === "OPTIONS") return next();
    const header = c.req.header("authorization");
    if (header === undefined) throw new ApiError("unauthorized", "missing API key: send Authorization: Bearer <key>");
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) throw new ApiError("unauthorized", "malformed Authorization header: expected Bearer <key>");
    const presented = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
    // Every digest is compared, so the time taken does not say which one (if any) matched.
    let matched = false;
    for (const digest of digests) matched = compareDigests(presented, digest) || matched;
    if (!matched) throw new ApiError("unauthorized", "invalid API key");
    c.set("keyDigest", toHex(presented));
    await next();
  };
}

/**
 * Whether two byte strings are equal, in time that depends only on their
 * lengths (which are public: every SHA-256 digest is 32 bytes). Uses workerd's
 * `crypto.subtle.timingSafeEqual`, which throws on unequal lengths, so those
 * are answered first.
 *
 * @example
 * compareDigests(new Uint8Array([1, 2]), new Uint8Array([1, 2])); // true
 * compareDigests(new Uint8Array([1, 2]), new Uint8Array([1])); // false
 */
export function compareDigests(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Lowercase hex, the form `npm run key:new` prints and API_KEYS holds. */
function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
