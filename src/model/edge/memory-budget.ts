import { APICallError } from "../api-call-error";

/**
 * The edge backend's memory limit and the measured costs it is planned with
 * (MiB). A Worker isolate has 128 MB for its JS heap and WebAssembly memory
 * together; the figures come from `npm run bench:edge -- --memory`.
 */
export interface MemoryBudget {
  /** What the isolate may hold: JS heap, array buffers and wasm memory together. */
  budgetMb: number;
  /** ORT's own wasm memory beside an ORT-format model's bytes (runtime, graph, allocator slack). */
  runtimeMb: number;
  /** The isolate's JS heap with the router loaded (tokenizer, app), before any KV cache. */
  jsHeapMb: number;
}

/** The cache and logits sizes of a loaded model, per token, in bytes. */
export interface ModelCosts {
  kvBytesPerToken: number;
  logitsBytesPerToken: number;
}

/** Below this many tokens an edge model is not worth admitting. */
export const MIN_EDGE_CONTEXT_TOKENS = 16;
/** A budget leaving more than this per side binds nothing: wasm memory then grows on demand. */
const MAX_RESERVED_TRANSIENT_MB = 256;
const MIB = 1024 * 1024;

/** Refusals per isolate, so an oversized model is judged once and routed around after. */
const refusals = new Map<string, string>();

/**
 * MiB left for KV caches and logits once the model, ORT and the JS heap are paid.
 *
 * @example
 * freeMemoryMb(84_978_928, { budgetMb: 128, runtimeMb: 14, jsHeapMb: 10 }); // 23.0
 */
export function freeMemoryMb(fileBytes: number, budget: MemoryBudget): number {
  return budget.budgetMb - fileBytes / MIB - budget.runtimeMb - budget.jsHeapMb;
}

/**
 * The wasm memory to create ORT's heap with. The cache and the logits live
 * twice in wasm (past fed in, present computed) and twice in JS (the cache
 * kept between steps, the outputs copied out), so the free memory is split
 * evenly between the two sides. 0 (no reservation) when the budget is so
 * large that it binds nothing (local runs): the heap then grows on demand.
 *
 * @example
 * planWasmReservation(84_978_928, budget); // bytes for the model + ORT + half the free memory
 */
export function planWasmReservation(fileBytes: number, budget: MemoryBudget): number {
  const transientMb = Math.max(freeMemoryMb(fileBytes, budget), 0) / 2;
  if (transientMb > MAX_RESERVED_TRANSIENT_MB) return 0;
  return Math.ceil(fileBytes + (budget.runtimeMb + transientMb) * MIB);
}

/**
 * Tokens per prefill chunk when every position's logits are read (scoring):
 * the chunk's logits ([chunk, vocab] floats, in wasm and again in JS) take at
 * most an eighth of the free memory, between 4 and 64 tokens.
 *
 * @example
 * planChunkTokens(84_978_928, 201_028, budget); // 7 for distilgpt2 int8 at 128 MiB
 */
export function planChunkTokens(fileBytes: number, logitsBytesPerToken: number, budget: MemoryBudget): number {
  const share = (Math.max(freeMemoryMb(fileBytes, budget), 0) * MIB) / 8;
  return Math.max(4, Math.min(64, Math.floor(share / (2 * logitsBytesPerToken))));
}

/**
 * The most tokens (prompt + new) one edge request may hold in memory: four
 * copies of the KV cache and two of a prefill chunk's logits must fit in the
 * free memory. Capped by the model's own context.
 *
 * @example
 * planEdgeContext(84_978_928, { kvBytesPerToken: 36_864, logitsBytesPerToken: 201_028 }, budget, 8, 1024); // 150
 */
export function planEdgeContext(
  fileBytes: number,
  costs: ModelCosts,
  budget: MemoryBudget,
  chunkTokens: number,
  modelContext: number,
): number {
  const free = freeMemoryMb(fileBytes, budget) * MIB - 2 * chunkTokens * costs.logitsBytesPerToken;
  return Math.max(0, Math.min(modelContext, Math.floor(free / (4 * costs.kvBytesPerToken))));
}

/**
 * Refuses, before any byte is read, a model that leaves no memory for a
 * cache, naming both figures, and remembers the refusal so routing treats the
 * edge as unavailable from then on (see `edgeRefusal`).
 *
 * @example
 * checkMemoryBudget("edge/model.ort", object.size, budget); // throws APICallError (unavailable)
 */
export function checkMemoryBudget(key: string, fileBytes: number, budget: MemoryBudget): void {
  const free = freeMemoryMb(fileBytes, budget);
  if (free > 0) return;
  const needed = budget.budgetMb - free;
  refuse(
    key,
    budget,
    `model '${key}' needs ${needed.toFixed(1)} MiB before any cache (${(fileBytes / MIB).toFixed(1)} MiB model + ${budget.runtimeMb} MiB ORT + ${budget.jsHeapMb} MiB JS heap), over the edge memory budget of ${budget.budgetMb} MiB`,
    needed,
  );
}

/**
 * Refuses a loaded model whose memory-fitted context is below the minimum.
 *
 * @example
 * checkEdgeContext("edge/model.ort", 84_978_928, 9, budget); // throws: room for 9 tokens only
 */
export function checkEdgeContext(key: string, fileBytes: number, contextTokens: number, budget: MemoryBudget): void {
  if (contextTokens >= MIN_EDGE_CONTEXT_TOKENS) return;
  const message = `model '${key}' leaves room for ${contextTokens} tokens of context within the edge memory budget of ${budget.budgetMb} MiB (${freeMemoryMb(fileBytes, budget).toFixed(1)} MiB free after the model), below the minimum of ${MIN_EDGE_CONTEXT_TOKENS}`;
  refuse(key, budget, message, budget.budgetMb - freeMemoryMb(fileBytes, budget));
}

function refuse(key: string, budget: MemoryBudget, message: string, neededMb: number): never {
  refusals.set(refusalKey(key, budget), message);
  const details = { needed_mb: Math.round(neededMb), budget_mb: budget.budgetMb };
  throw new APICallError({ backend: "edge", failure: "unavailable", message, isRetryable: false, details });
}

/**
 * Why this isolate refused the model, if it did.
 *
 * @example
 * edgeRefusal("edge/model.ort", budget); // "model 'edge/model.ort' needs 131.0 MiB before any cache ..."
 */
export function edgeRefusal(key: string, budget: MemoryBudget): string | undefined {
  return refusals.get(refusalKey(key, budget));
}

function refusalKey(key: string, budget: MemoryBudget): string {
  return `${key}|${budget.budgetMb}|${budget.runtimeMb}|${budget.jsHeapMb}`;
}
