/**
 * ORT's WebAssembly memory, sized up front and readable from inside.
 *
 * Emscripten grows a heap by at least 20% whenever an allocation does not fit,
 * so a model that needs 101 MB lands at 113 MB, and one more KV-cache step at
 * 136 MB; wasm memory never shrinks. Creating ORT's memory at the size the
 * memory plan allows makes the isolate's footprint a decision instead of an
 * accident of growth steps, as long as the plan keeps the work inside it.
 */

const PAGE_BYTES = 65536;

let reservedPages = 0;
let ortMemory: WebAssembly.Memory | undefined;

/**
 * Asks for ORT's wasm memory to start at `bytes` (rounded up to whole pages).
 * It takes effect only before ORT creates its memory (the first session of
 * the isolate); later calls are ignored, since wasm memory cannot shrink.
 *
 * @example
 * reserveWasmMemory(104 * 1024 * 1024);
 * const session = await createSession(bytes);
 */
export function reserveWasmMemory(bytes: number): void {
  if (ortMemory) return;
  reservedPages = Math.max(reservedPages, Math.ceil(bytes / PAGE_BYTES));
}

/**
 * The current size of ORT's wasm memory in bytes, once a session exists.
 *
 * @example
 * wasmMemoryBytes(); // 109051904 after a distilgpt2 int8 load with a 104 MiB reservation
 */
export function wasmMemoryBytes(): number | undefined {
  return ortMemory?.buffer.byteLength;
}

/**
 * Runs ORT's initialisation with `WebAssembly.Memory` wrapped, so the first
 * shared memory it creates (the threaded build's heap) starts at the reserved
 * size and is remembered. The constructor is restored afterwards, also on failure.
 *
 * @example
 * const session = await captureOrtMemory(() => ort.InferenceSession.create(bytes, options));
 */
export async function captureOrtMemory<T>(initialise: () => Promise<T>): Promise<T> {
  if (ortMemory) return initialise();
  const original = WebAssembly.Memory;
  const wrapped = new Proxy(original, {
    construct(target, args: [WebAssembly.MemoryDescriptor], newTarget) {
      const [descriptor] = args;
      const isHeap = !ortMemory && descriptor.shared === true && (descriptor.maximum ?? 0) > 0;
      const sized =
        isHeap && reservedPages > descriptor.initial
          ? { ...descriptor, initial: Math.min(reservedPages, descriptor.maximum ?? reservedPages) }
          : descriptor;
      const memory = Reflect.construct(target, [sized], newTarget) as WebAssembly.Memory;
      if (isHeap) ortMemory = memory;
      return memory;
    },
  });
  Reflect.set(WebAssembly, "Memory", wrapped);
  try {
    return await initialise();
  } finally {
    Reflect.set(WebAssembly, "Memory", original);
  }
}
