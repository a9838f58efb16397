import { createSession } from "#ort";
import { BackendError } from "../../errors";
import { createGpt2Runner, type Gpt2Runner } from "./gpt2-runner";

/** One session per model key per isolate: loading costs seconds and most of the memory. */
const runners = new Map<string, Promise<Gpt2Runner>>();

/**
 * Loads a GPT-2 ONNX model from the `MODELS` R2 bucket once per isolate and
 * reuses it; a failed load is forgotten so the next request retries.
 *
 * @example
 * const runner = await loadRunnerFromR2(env.MODELS, "edge/decoder_model_merged.onnx");
 */
export function loadRunnerFromR2(bucket: R2Bucket, key: string): Promise<Gpt2Runner> {
  const cached = runners.get(key);
  if (cached) return cached;
  const pending = readModel(bucket, key).then(async (bytes) => createGpt2Runner(await createSession(bytes)));
  runners.set(key, pending);
  pending.catch(() => runners.delete(key));
  return pending;
}

async function readModel(bucket: R2Bucket, key: string): Promise<Uint8Array> {
  const object = await bucket.get(key);
  if (!object) {
    throw new BackendError("backend_unavailable", "edge", `model '${key}' is not in the MODELS bucket (run npm run model:seed)`);
  }
  return new Uint8Array(await object.arrayBuffer());
}
