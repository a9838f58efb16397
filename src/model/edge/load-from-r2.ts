import { createSession } from "#ort";
import { BackendError } from "../../errors";
import { createGpt2Runner, type Gpt2Runner } from "./gpt2-runner";
import { checkMemoryBudget, type MemoryBudget } from "./memory-budget";

/** One session per model key per isolate: loading costs seconds and most of the memory. */
const runners = new Map<string, Promise<Gpt2Runner>>();

/**
 * Loads a GPT-2 ONNX model from the `MODELS` R2 bucket once per isolate and
 * reuses it; a failed load is forgotten so the next request retries. With
 * `firstPassKey`, `key` is Optimum's `decoder_with_past_model` and the other
 * its `decoder_model`, used for the first pass. A model over the memory
 * budget is refused from its size alone, before its bytes are read; the
 * bytes are dropped as soon as ORT has its own copy.
 *
 * @example
 * const runner = await loadRunnerFromR2(env.MODELS, "edge/decoder_model_merged.onnx", undefined, budget);
 */
export function loadRunnerFromR2(bucket: R2Bucket, key: string, firstPassKey: string | undefined, budget: MemoryBudget): Promise<Gpt2Runner> {
  // The budget is part of the key: a stricter budget must re-judge a model already loaded.
  const cacheKey = [key, firstPassKey ?? "", budget.budgetMb, budget.bytesFactor, budget.baseMb].join("|");
  const cached = runners.get(cacheKey);
  if (cached) return cached;
  const pending = (async () => {
    const session = await createSession(await readModel(bucket, key, budget));
    const firstPassSession = firstPassKey ? await createSession(await readModel(bucket, firstPassKey, budget)) : undefined;
    return createGpt2Runner(session, { firstPassSession });
  })();
  runners.set(cacheKey, pending);
  pending.catch(() => runners.delete(cacheKey));
  return pending;
}

async function readModel(bucket: R2Bucket, key: string, budget: MemoryBudget): Promise<Uint8Array> {
  const object = await bucket.get(key);
  if (!object) {
    throw new BackendError("backend_unavailable", "edge", `model '${key}' is not in the MODELS bucket (run npm run model:seed)`);
  }
  // The size arrives with the object's metadata, so an oversized model is refused before its body is read.
  try {
    checkMemoryBudget(key, object.size, budget);
  } catch (error) {
    await object.body.cancel();
    throw error;
  }
  return new Uint8Array(await object.arrayBuffer());
}
