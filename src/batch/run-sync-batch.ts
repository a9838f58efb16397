import type { PipelineDeps } from "../pipeline";
import { runBatchItem, type BatchItem, type ItemOutcome } from "./run-item";

/** One result line of a sync batch, in request order. */
export type BatchResult = { id: string } & ItemOutcome;

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
  deps: PipelineDeps,
  concurrency: number,
): Promise<{ results: BatchResult[]; totals: BatchTotals }> {
  const results: BatchResult[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index] as BatchItem & { id?: string };
      results[index] = { id: item.id ?? `item-${crypto.randomUUID()}`, ...(await runBatchItem(item, deps)) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
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
