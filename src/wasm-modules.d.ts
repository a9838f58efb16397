// wrangler (esbuild, module rule "CompiledWasm") and vitest-pool-workers turn a
// `*.wasm` import into a precompiled module: Workers may not compile wasm
// from bytes at runtime, so this is the only way to get one.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
