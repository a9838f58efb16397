import { createSession } from "#ort";
import { BackendError } from "../../errors";
import { createGpt2Runner, type Gpt2Runner } from "./gpt2-runner";

/** One session per model key per isolate: loading costs seconds and most of the memory. */
const runners = new Map<string, Promise<Gpt2Runner>>();

/**
 * Loads a GPT-2 ONNX model from the `MODELS` R2 bucket once per isolate and
 * reuses it; a failed load is forgotten so the next request retries. With
 * `firstPassKey`, `key` is Optimum's `decoder_with_past_model` and the other
 * its `decoder_model`, used for the first pass.
 *
 * @example
 * const runner = await loadRunnerFromR2(env.MODELS, "edge/decoder_model_merged.onnx");
 */
export function loadRunnerFromR2(bucket: R2Bucket, key: string, firstPassKey?: string): Promise<Gpt2Runner> {
  const cacheKey = firstPassKey ? `${key}|${firstPassKey}` : key;
  const cached = runners.get(cacheKey);
  if (cached) return cached;
  const pending = (async () => {
    const session = await createSession(await readModel(bucket, key));
    const firstPassSession = firstPassKey ? await createSession(await readModel(bucket, firstPassKey)) : undefined;
    return createGpt2Runner(session, { firstPassSession });
  })();
  runners.set(cacheKey, pending);
  pending.catch(() => runners.delete(cacheKey));
  return pending;
}

async function readModel(bucket: R2Bucket, key: string): Promise<Uint8Array> {
  const object = await bucket.get(key);
  if (!object) {
    throw new BackendError("backend_unavailable", "edge", `model '${key}' is not in the MODELS bucket (run npm run model:seed)`);
  }
  return new Uint8Array(await object.arrayBuffer());
}
