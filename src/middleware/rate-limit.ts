import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";

/**
 * Counts each `/v1` request against the `RATE_LIMITER` binding, per API key
 * (its digest, set by requireKey) or, without keys, per client IP
 * (`cf-connecting-ip`); over the limit is a 429 `rate_limited` with
 * `Retry-After` (the binding's period). Without the binding nothing is limited.
 *
 * What a request counts: a sync batch (`POST /v1/batch`) one per item, since
 * each is a task request; a batch the route will refuse (not JSON, no
 * `requests`, more than BATCH_MAX_ITEMS) one. Everything else one, async
 * batches (`POST /v1/batches`) included: their lines run later in the queue
 * consumer, paced by BATCH_CHUNK_CONCURRENCY, and counting them would make any
 * job larger than the per-period limit impossible to submit.
 *
 * @example
 * app.use("/v1/*", rateLimit());
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { limiter, periodSeconds } = c.get("config").rateLimit;
    if (!limiter) return next();
    const digest = c.get("keyDigest");
    const key = digest ? `key:${digest}` : `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
    const cost = await countRequests(c);
    // The binding takes no cost, so a batch of k spends k calls; all are made
    // (a refused batch spends what was left), which keeps this one round trip.
    const outcomes = await Promise.all(Array.from({ length: cost }, () => limiter.limit({ key })));
    if (!outcomes.every((outcome) => outcome.success)) {
      throw new ApiError("rate_limited", `rate limit exceeded for this ${digest ? "API key" : "client"}; retry after ${periodSeconds} s`, {
        retry_after_seconds: periodSeconds,
        cost,
      });
    }
    await next();
  };
}

/** The task requests a call stands for: a sync batch's items, else one. */
async function countRequests(c: Context<AppEnv>): Promise<number> {
  if (c.req.method !== "POST" || c.req.path !== "/v1/batch") return 1;
  // Hono caches the body, so the route's validator reads the same bytes; limitBody already bounds them.
  // A body that does not parse is the route's to report (400/422), and counts one.
  const body: unknown = await c.req.json().catch(() => undefined);
  const requests = typeof body === "object" && body !== null ? Reflect.get(body, "requests") : undefined;
  if (!Array.isArray(requests) || requests.length === 0) return 1;
  return requests.length > c.get("config").syncBatch.maxItems ? 1 : requests.length;
}
