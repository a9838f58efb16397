/**
 * Step 1 of `npm run deploy`: the environment's R2 buckets and Queues, each
 * created only when the account lacks it. Both listings can be incomplete
 * (`r2 bucket list` shows 20 buckets, `queues list` one page), so a name
 * missing from a listing is confirmed before anything is created: a queue
 * with `wrangler queues info`, a bucket by R2 answering its creation with
 * "already exists, and you own it".
 */
import { type DeployContext, logResult, runWrangler } from "./deploy-context";
import { classifyFailure, parseBucketList, parseQueueList } from "./wrangler-output";

/**
 * Creates the buckets of `names` the account does not have; returns what it created.
 *
 * @example
 * await ensureBuckets(ctx, ["zeroshot-models-staging", "zeroshot-batches-staging"]); // ["bucket zeroshot-batches-staging"]
 */
export async function ensureBuckets(ctx: DeployContext, names: readonly string[]): Promise<string[]> {
  const listed = await runWrangler(ctx, ["r2", "bucket", "list"], { note: "check which exist" });
  const existing = listed ? parseBucketList(listed.stdout) : new Set<string>();
  const created: string[] = [];
  for (const name of names) {
    if (existing.has(name)) {
      logResult(ctx, `bucket ${name}: exists`);
      continue;
    }
    const result = await runWrangler(ctx, ["r2", "bucket", "create", name], {
      note: ctx.dryRun ? "when not listed (R2's 'already exists' counts as existing)" : "not listed",
      accept: ["bucket-exists"],
    });
    if (!result) continue;
    if (classifyFailure(result) === "bucket-exists") {
      logResult(ctx, `bucket ${name}: exists (past the listing's first 20)`);
    } else {
      logResult(ctx, `bucket ${name}: created`);
      created.push(`bucket ${name}`);
    }
  }
  return created;
}

/**
 * Creates the queues of `names` the account does not have; returns what it created.
 *
 * @example
 * await ensureQueues(ctx, ["zeroshot-batches-staging", "zeroshot-batches-dlq-staging"]); // []
 */
export async function ensureQueues(ctx: DeployContext, names: readonly string[]): Promise<string[]> {
  const listed = await runWrangler(ctx, ["queues", "list"], { note: "check which exist" });
  const existing = listed ? parseQueueList(listed.stdout) : new Set<string>();
  const created: string[] = [];
  for (const name of names) {
    if (existing.has(name)) {
      logResult(ctx, `queue ${name}: exists`);
      continue;
    }
    const info = await runWrangler(ctx, ["queues", "info", name], {
      note: ctx.dryRun ? "when not listed (the listing is one page)" : "not listed: confirm",
      accept: ["queue-not-found"],
    });
    if (info && info.code === 0) {
      logResult(ctx, `queue ${name}: exists (past the listing's first page)`);
      continue;
    }
    const result = await runWrangler(ctx, ["queues", "create", name], { note: ctx.dryRun ? "when it does not exist" : "missing" });
    if (!result) continue;
    logResult(ctx, `queue ${name}: created`);
    created.push(`queue ${name}`);
  }
  return created;
}
