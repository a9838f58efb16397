import { createSession, reserveWasmMemory, wasmMemoryBytes } from "#ort";
import { APICallError } from "../api-call-error";
import { createGpt2Runner, type Gpt2Runner } from "./gpt2-runner";
import {
  checkEdgeContext,
  checkMemoryBudget,
  planChunkTokens,
  planEdgeContext,
  planWasmReservation,
  type MemoryBudget,
} from "./memory-budget";
import { describeLayout, kvBytesPerToken } from "./model-layout";

/** Where the edge model lives and what it may use. */
export interface EdgeModelSource {
  bucket: R2Bucket;
  key: string;
  /** Optimum's split export: this key is `decoder_model` (first pass), `key` is `decoder_with_past_model`. */
  firstPassKey?: string;
  budget: MemoryBudget;
  /** The model's own context (EDGE_CONTEXT_TOKENS); the memory plan may allow fewer. */
  contextTokens: number;
}

/** The loaded model's memory, for `/health?check=true` (MiB). */
export interface EdgeMemoryReport {
  model_mb: number;
  /** ORT's wasm memory now: it never shrinks, so this is its peak so far. */
  wasm_mb?: number;
  budget_mb: number;
  context_tokens: number;
  /** The most one inference step held in JS (KV cache in and out, logits) so far. */
  peak_step_js_mb: number;
}

/** A model ready to serve, the most tokens one request may hold, and a live view of its memory. */
export interface LoadedEdgeModel {
  runner: Gpt2Runner;
  contextTokens: number;
  report: () => EdgeMemoryReport;
}

/** One session per model key per isolate: loading costs seconds and most of the memory. */
const runners = new Map<string, Promise<LoadedEdgeModel>>();
/** The memory-fitted context of each model loaded in this isolate, readable without waiting. */
const contexts = new Map<string, number>();
const MIB = 1024 * 1024;

/**
 * Loads a GPT-2 model (ORT format for one copy of the weights, or plain ONNX)
 * from the `MODELS` R2 bucket once per isolate and reuses it; a failed load
 * is forgotten so the next request retries. A model that leaves no memory for
 * a cache is refused from its size alone, before its bytes are read. ORT's
 * heap is created at the planned size, and the runner's context is capped to
 * what fits the budget, so the isolate stays inside it.
 *
 * @example
 * const { runner, report } = await loadEdgeModel({ bucket: env.MODELS, key: "edge/model.ort", budget, contextTokens: 1024 });
 * report().wasm_mb; // 106.5
 */
export function loadEdgeModel(source: EdgeModelSource): Promise<LoadedEdgeModel> {
  const { budget } = source;
  const cacheKey = sourceKey(source);
  const cached = runners.get(cacheKey);
  if (cached) return cached;
  const pending = (async () => {
    const objects = [await openModel(source.bucket, source.key)];
    if (source.firstPassKey) objects.push(await openModel(source.bucket, source.firstPassKey));
    const fileBytes = objects.reduce((sum, object) => sum + object.size, 0);
    try {
      checkMemoryBudget(source.key, fileBytes, budget);
    } catch (error) {
      await Promise.all(objects.map((object) => object.body.cancel()));
      throw error;
    }
    reserveWasmMemory(planWasmReservation(fileBytes, budget));
    // Read one body at a time: ORT copies the bytes into its heap and the JS copy can go.
    const session = await createSession(new Uint8Array(await (objects[0] as R2ObjectBody).arrayBuffer()));
    const firstPassSession = objects[1] ? await createSession(new Uint8Array(await objects[1].arrayBuffer())) : undefined;
    const layout = describeLayout(session);
    const costs = { kvBytesPerToken: kvBytesPerToken(layout), logitsBytesPerToken: layout.vocabSize * 4 };
    const chunkTokens = planChunkTokens(fileBytes, costs.logitsBytesPerToken, budget);
    const contextTokens = planEdgeContext(fileBytes, costs, budget, chunkTokens, source.contextTokens);
    try {
      checkEdgeContext(source.key, fileBytes, contextTokens, budget);
    } catch (error) {
      await Promise.all([session.release(), firstPassSession?.release()]);
      throw error;
    }
    const runner = createGpt2Runner(session, { firstPassSession, chunkTokens });
    contexts.set(cacheKey, contextTokens);
    const report = (): EdgeMemoryReport => {
      const wasm = wasmMemoryBytes();
      return {
        model_mb: round(fileBytes / MIB),
        ...(wasm !== undefined ? { wasm_mb: round(wasm / MIB) } : {}),
        budget_mb: budget.budgetMb,
        context_tokens: contextTokens,
        peak_step_js_mb: round(runner.peakStepBytes / MIB),
      };
    };
    return { runner, contextTokens, report };
  })();
  runners.set(cacheKey, pending);
  pending.catch(() => runners.delete(cacheKey));
  return pending;
}

/**
 * The context the memory plan allowed a model this isolate has loaded, so
 * routing can send longer requests elsewhere before trying the edge.
 *
 * @example
 * edgeContextLimit(source); // 158 for distilgpt2 int8 at 128 MiB, undefined before the first load
 */
export function edgeContextLimit(source: EdgeModelSource): number | undefined {
  return contexts.get(sourceKey(source));
}

/** The budget is part of the key: a stricter budget must re-judge a model already loaded. */
function sourceKey(source: EdgeModelSource): string {
  const { budget } = source;
  return [source.key, source.firstPassKey ?? "", source.contextTokens, budget.budgetMb, budget.runtimeMb, budget.jsHeapMb].join("|");
}

async function openModel(bucket: R2Bucket, key: string): Promise<R2ObjectBody> {
  const object = await bucket.get(key);
  if (!object) {
    const message = `model '${key}' is not in the MODELS bucket (run npm run model:seed)`;
    throw new APICallError({ backend: "edge", failure: "unavailable", message, isRetryable: false });
  }
  return object;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
