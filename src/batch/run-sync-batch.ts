import { batchItemSchema } from "../api/batch-item";
import { ApiError } from "../errors/api-error";
import { describeFirstIssue } from "../errors/describe-issue";
import { mapBounded } from "./map-bounded";
import { runBatchItem, type ItemDeps, type ItemOutcome } from "./run-item";

/** Sync batch limits (wrangler.toml vars). */
export interface SyncBatchSettings {
  /** Most items per request. */
  maxItems: number;
  /** Items in flight at once; also the most prompts grouped into one GPU call. */
  concurrency: number;
  /** Backend HTTP calls one batch may make (Workers allow 1,000 subrequests per invocation on paid plans). */
  maxSubrequests: number;
}

/** One result of a sync batch, in request order: the item's task response or its error. */
export type BatchResult = { id: string } & (
  | ({ status: "ok" } & Extract<ItemOutcome, { status: "ok" }>["response"])
  | { status: "error"; error: Extract<ItemOutcome, { status: "error" }>["error"]; usage: { prompt_tokens: 0; completion_tokens: 0 } }
);

/** Sums over a batch, so a client need not add them up. */
export interface BatchTotals {
  usage: { prompt_tokens: number; completion_tokens: number };
  by_status: Record<"ok" | "error", number>;
  by_backend: Record<string, number>;
}

/**
 * Runs every item through the pipeline with at most `concurrency` in flight,
 * keeping request order and echoing ids (generating missing ones). Items
 * started together reach the GPU backend in the same turn, where they are
 * grouped into prompt-array calls (see createPipelineDeps' `coalesce`).
 * Items arrive unchecked: one that is not a `batchItemSchema` object becomes
 * its own `invalid_request` result, and the others still run.
 *
 * @example
 * const { results, totals } = await runSyncBatch([{ task: "answer", input: { question: "q?" } }, 42], deps, 64);
 * // results[1]: { id: "item-…", status: "error", error: { type: "invalid_request", message: "item: Invalid input: expected object, received number", ... } }
 */
export async function runSyncBatch(
  items: readonly unknown[],
  deps: ItemDeps,
  concurrency: number,
): Promise<{ results: BatchResult[]; totals: BatchTotals }> {
  const results = await mapBounded(items, concurrency, async (raw): Promise<BatchResult> => {
    const item = batchItemSchema.safeParse(raw);
    // A faulty item still echoes its id when that part is sound, so the client can tell which one failed.
    const id = (item.success ? item.data.id : findValidId(raw)) ?? `item-${crypto.randomUUID()}`;
    if (!item.success) {
      const { path, message } = describeFirstIssue(item.error, [], "item");
      return failed(id, new ApiError("invalid_request", message, { path }).toBody().error);
    }
    const outcome = await runBatchItem(item.data, deps);
    if (outcome.status === "ok") return { id, status: "ok", ...outcome.response };
    return failed(id, outcome.error);
  });
  return { results, totals: summarize(results) };
}

function findValidId(raw: unknown): string | undefined {
  const id = batchItemSchema.shape.id.safeParse((raw as { id?: unknown } | null)?.id);
  return id.success ? id.data : undefined;
}

function failed(id: string, error: Extract<BatchResult, { status: "error" }>["error"]): BatchResult {
  return { id, status: "error", error, usage: { prompt_tokens: 0, completion_tokens: 0 } };
}

function summarize(results: BatchResult[]): BatchTotals {
  const totals: BatchTotals = { usage: { prompt_tokens: 0, completion_tokens: 0 }, by_status: { ok: 0, error: 0 }, by_backend: {} };
  for (const result of results) {
    totals.usage.prompt_tokens += result.usage.prompt_tokens;
    totals.usage.completion_tokens += result.usage.completion_tokens;
    totals.by_status[result.status] += 1;
    if (result.status === "ok") totals.by_backend[result.backend] = (totals.by_backend[result.backend] ?? 0) + 1;
  }
  return totals;
}
