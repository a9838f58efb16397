import { mapBounded } from "./map-bounded";
import { runBatchItem, type BatchItem, type ItemDeps, type ItemOutcome } from "./run-item";

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
 *
 * @example
 * const { results, totals } = await runSyncBatch([{ task: "answer", input: { question: "q?" } }], deps, 64);
 */
export async function runSyncBatch(
  items: Array<BatchItem & { id?: string }>,
  deps: ItemDeps,
  concurrency: number,
): Promise<{ results: BatchResult[]; totals: BatchTotals }> {
  const results = await mapBounded(items, concurrency, async (item): Promise<BatchResult> => {
    const id = item.id ?? `item-${crypto.randomUUID()}`;
    const outcome = await runBatchItem(item, deps);
    if (outcome.status === "ok") return { id, status: "ok", ...outcome.response };
    return { id, status: "error", error: outcome.error, usage: { prompt_tokens: 0, completion_tokens: 0 } };
  });
  return { results, totals: summarize(results) };
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
