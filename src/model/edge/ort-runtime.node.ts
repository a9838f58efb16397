import * as ort from "onnxruntime-web";
import { buildSessionOptions } from "./model-format";
import type { CreateSession, InferenceSession, OrtRuntimeName, OrtSessionOptions } from "./ort-types";
import { captureOrtMemory } from "./wasm-memory";

// Under the "node" condition `onnxruntime-web` is its Node build
// (dist/ort.node.min.mjs), which loads the same ort-wasm-simd-threaded.wasm
// from disk; no onnxruntime-node needed.
export { Tensor } from "onnxruntime-web";
export type { InferenceSession, OrtRuntimeName, OrtSessionOptions } from "./ort-types";
export { reserveWasmMemory, wasmMemoryBytes } from "./wasm-memory";

/**
 * Names the variant the resolver picked (this file: node), so tests and logs
 * can prove the `#ort` wiring rather than assume it.
 *
 * @example
 * import { ortRuntime } from "#ort";
 * console.log(`onnxruntime-web on ${ortRuntime}`);
 */
export const ortRuntime: OrtRuntimeName = "node";

/**
 * Creates an ONNX Runtime session on the wasm backend in Node (tsx, vitest's
 * node project, scripts). Single-threaded like the workerd variant: that keeps
 * logits bit-identical across runtimes and leaves no worker threads behind.
 * ORT-format bytes keep one copy of the weights (see `buildSessionOptions`).
 *
 * @example
 * import { readFile } from "node:fs/promises";
 * import { createSession, Tensor } from "#ort";
 * const session = await createSession(new Uint8Array(await readFile("model.onnx")));
 * const ids = new Tensor("int32", Int32Array.from([464]), [1, 1]);
 * const out = await session.run({ [session.inputNames[0]!]: ids });
 */
export const createSession: CreateSession = async (bytes: Uint8Array, options?: OrtSessionOptions): Promise<InferenceSession> => {
  ort.env.wasm.numThreads = 1;
  return captureOrtMemory(() => ort.InferenceSession.create(bytes, buildSessionOptions(bytes, options)));
};
