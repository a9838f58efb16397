import { BackendError } from "../../errors";

/** The edge backend's memory limit and how a model's footprint is estimated from its file size. */
export interface MemoryBudget {
  /** The isolate's budget for the model (a Worker has 128 MB for JS heap and wasm memory together). */
  budgetMb: number;
  /** Footprint per file byte: ORT's copy in wasm memory plus pre-packed weights and the transient JS copy. */
  bytesFactor: number;
  /** Fixed cost: ORT's initial wasm memory and the engine's own buffers. */
  baseMb: number;
}

/** Refusals per isolate, so an oversized model is judged once and routed around after. */
const refusals = new Map<string, string>();

const toMb = (bytes: number) => bytes / (1024 * 1024);

/**
 * The estimated memory a model of `fileBytes` needs once loaded, in MB.
 *
 * @example
 * estimateFootprintMb(85 * 1024 * 1024, { budgetMb: 128, bytesFactor: 2.5, baseMb: 16 }); // 228.5
 */
export function estimateFootprintMb(fileBytes: number, budget: MemoryBudget): number {
  return toMb(fileBytes) * budget.bytesFactor + budget.baseMb;
}

/**
 * Refuses, before any byte is read, a model whose estimated footprint is over
 * the budget, with both figures in the message, and remembers the refusal so
 * routing treats the edge as unavailable from then on (see `edgeRefusal`).
 *
 * @example
 * checkMemoryBudget("edge/model.onnx", object.size, budget); // throws BackendError backend_unavailable
 */
export function checkMemoryBudget(key: string, fileBytes: number, budget: MemoryBudget): void {
  const needed = estimateFootprintMb(fileBytes, budget);
  if (needed <= budget.budgetMb) return;
  const message =
    `model '${key}' needs an estimated ${needed.toFixed(1)} MB (${toMb(fileBytes).toFixed(1)} MB file × ${budget.bytesFactor}` +
    ` + ${budget.baseMb} MB), over the edge memory budget of ${budget.budgetMb} MB`;
  refusals.set(refusalKey(key, budget), message);
  throw new BackendError("backend_unavailable", "edge", message, { needed_mb: Math.round(needed), budget_mb: budget.budgetMb });
}

/**
 * Why this isolate refused the model, if it did.
 *
 * @example
 * edgeRefusal("edge/model.onnx", budget); // "model 'edge/model.onnx' needs an estimated 228.5 MB ..."
 */
export function edgeRefusal(key: string, budget: MemoryBudget): string | undefined {
  return refusals.get(refusalKey(key, budget));
}

function refusalKey(key: string, budget: MemoryBudget): string {
  return `${key}|${budget.budgetMb}|${budget.bytesFactor}|${budget.baseMb}`;
}
