import type { InferenceSession, OrtSessionOptions } from "./ort-types";

/** `ORTM`, the flatbuffer file identifier at bytes 4..8 of an ORT-format model. */
const ORT_IDENTIFIER = [0x4f, 0x52, 0x54, 0x4d];

/**
 * True for an ORT-format model (what `npm run model:convert` writes), false
 * for a plain ONNX protobuf.
 *
 * @example
 * isOrtFormat(await readFile("models/edge/distilgpt2-int8.ort")); // true
 */
export function isOrtFormat(bytes: Uint8Array): boolean {
  return bytes.byteLength > 8 && ORT_IDENTIFIER.every((byte, index) => bytes[4 + index] === byte);
}

/**
 * The options a session is created with. An ORT-format model keeps one copy
 * of its weights: the initializers point into the model bytes, which the
 * patched glue keeps alive for the session (scripts/patch-onnxruntime-web.mjs).
 * It was optimized when converted, so it is not optimized again: a rewrite
 * would copy the initializers it touches.
 *
 * @example
 * ort.InferenceSession.create(bytes, buildSessionOptions(bytes, { logSeverityLevel: 3 }));
 */
export function buildSessionOptions(bytes: Uint8Array, options: OrtSessionOptions = {}): InferenceSession.SessionOptions {
  const base: InferenceSession.SessionOptions = { ...options, executionProviders: ["wasm"] };
  if (!isOrtFormat(bytes)) return base;
  return {
    graphOptimizationLevel: "disabled",
    ...base,
    extra: { session: { use_ort_model_bytes_directly: "1", use_ort_model_bytes_for_initializers: "1" } },
  };
}
