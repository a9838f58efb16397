import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import * as ort from "onnxruntime-web/wasm";
import { buildSessionOptions } from "./model-format";
import type { CreateSession, InferenceSession, OrtRuntimeName, OrtSessionOptions } from "./ort-types";
import { captureOrtMemory } from "./wasm-memory";

export { Tensor } from "onnxruntime-web/wasm";
export type { InferenceSession, OrtRuntimeName, OrtSessionOptions } from "./ort-types";
export { reserveWasmMemory, wasmMemoryBytes } from "./wasm-memory";

/**
 * Names the variant the resolver picked (this file: workerd), so tests and logs
 * can prove the `#ort` wiring rather than assume it.
 *
 * @example
 * import { ortRuntime } from "#ort";
 * console.log(`onnxruntime-web on ${ortRuntime}`);
 */
export const ortRuntime: OrtRuntimeName = "workerd";

/**
 * Stand-in for the wasm bytes. ORT only uses its embedded (bundled) emscripten
 * glue when `wasmBinary` is set and threads are off; otherwise it tries to
 * locate files via `import.meta.url`, which workerd lacks. The glue then hands
 * a copy of these bytes to `WebAssembly.instantiate`, which we answer with the
 * module wrangler precompiled, because compiling bytes is forbidden in Workers.
 */
const SENTINEL = new TextEncoder().encode("zeroshot-router:ort-precompiled-wasm");

let configured = false;

/**
 * Points ORT at the precompiled module. Runs once, lazily, so importing this
 * file has no global side effects until a session is actually created.
 */
function configure(): void {
  if (configured) return;
  configured = true;
  const original = WebAssembly.instantiate;
  const wrapped = async (source: unknown, imports?: WebAssembly.Imports): Promise<unknown> => {
    if (!isSentinel(source)) return Reflect.apply(original, WebAssembly, [source, imports]);
    // The glue reads `{ instance, module }`, the shape of the bytes overload.
    const instance = await original.call(WebAssembly, ortWasm, imports);
    return { instance, module: ortWasm };
  };
  // Workers' types declare only the Module overload, so install it untyped.
  Reflect.set(WebAssembly, "instantiate", wrapped);
  // workerd already falls back to one thread (no cross-origin isolation), but
  // with more ORT would skip its embedded glue and look for files by URL; one
  // thread also keeps logits bit-identical to the Node variant.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = SENTINEL;
}

/** The glue copies `wasmBinary`, so compare content, not identity. */
function isSentinel(source: unknown): boolean {
  if (!(source instanceof Uint8Array) || source.byteLength !== SENTINEL.byteLength) return false;
  return source.every((byte, index) => byte === SENTINEL[index]);
}

/**
 * Creates an ONNX Runtime session on the single-threaded wasm backend inside
 * workerd. The first call also initialises the runtime (instantiating the
 * ~14 MB precompiled module, its heap sized by `reserveWasmMemory`), so it is
 * slower than later ones. ORT-format bytes keep one copy of the weights.
 *
 * @example
 * import { createSession, Tensor } from "#ort";
 * const session = await createSession(new Uint8Array(modelBytes));
 * const ids = new Tensor("int32", Int32Array.from([464]), [1, 1]);
 * const out = await session.run({ [session.inputNames[0]!]: ids });
 */
export const createSession: CreateSession = async (bytes: Uint8Array, options?: OrtSessionOptions): Promise<InferenceSession> => {
  configure();
  return captureOrtMemory(() => ort.InferenceSession.create(bytes, buildSessionOptions(bytes, options)));
};
