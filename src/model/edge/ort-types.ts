import type { InferenceSession, Tensor } from "onnxruntime-web";

// Type-only imports are erased, so this file never pulls ORT code into a bundle;
// the runtime modules (`#ort`) own the single value import per runtime.
export type { InferenceSession, Tensor };

/**
 * Session options a caller may set. The execution provider and threading are
 * fixed by the runtime module: only the single-threaded wasm backend runs in
 * workerd, and Node uses the same so both produce identical numbers.
 */
export type OrtSessionOptions = Pick<
  InferenceSession.SessionOptions,
  "graphOptimizationLevel" | "enableCpuMemArena" | "enableMemPattern" | "freeDimensionOverrides" | "logSeverityLevel"
>;

/**
 * Signature both `#ort` variants export, so a module that compiles against
 * one (tsc resolves `#ort` to the Node file) is correct for the other.
 */
export type CreateSession = (bytes: Uint8Array, options?: OrtSessionOptions) => Promise<InferenceSession>;

/** Which `#ort` variant the resolver picked; lets tests and logs prove the wiring. */
export type OrtRuntimeName = "workerd" | "node";
