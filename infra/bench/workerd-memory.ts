/**
 * `npm run bench:edge -- --memory [--presets tiny,distilgpt2]`: each edge model
 * runs in the real Worker on its own workerd (wrangler's dev server), and the
 * isolate's memory is read as Cloudflare counts it (WebAssembly memory + JS
 * heap + array buffers) through workerd's V8 inspector between requests.
 * Three ways to load each model, from the same run:
 *   - `onnx`: the plain ONNX file, nothing planned (how the edge loaded before ORT format);
 *   - `ort`: the ORT-format file, weights kept once, ORT's heap left to grow;
 *   - `ort_planned`: the ORT-format file under the default 128 MiB plan (heap
 *     sized up front, context capped by memory), as deployed.
 */
import { readFileSync, statSync } from "node:fs";
import { convertModel } from "../model/convert-model";
import type { Gpt2PresetName } from "../model/gpt2-config";
import type { Gpt2Quantization } from "../model/gpt2-quantization";
import { writeGeneratedModel } from "../model/write-generated-model";
import { startBenchWorker, type BenchWorker } from "./bench-worker";
import type { IsolateMemory } from "./isolate-memory";

/** The shapes the memory table covers. */
const MODELS: ReadonlyArray<{ preset: Gpt2PresetName; quantization: Gpt2Quantization }> = [
  { preset: "tiny", quantization: "fp32" },
  { preset: "distilgpt2", quantization: "int8" },
  { preset: "distilgpt2", quantization: "fp32" },
];
export type LoadVariant = "onnx" | "ort" | "ort_planned";
const VARIANTS: readonly LoadVariant[] = ["onnx", "ort", "ort_planned"];
const MIB = 2 ** 20;
const BUDGET_MIB = 128;
const NEW_TOKENS = 16;

/** One reading in MiB: what the inspector saw at idle, plus the engine's in-request JS peak. */
export interface IsolateReading {
  wasm_mib: number;
  js_heap_mib: number;
  array_buffers_mib: number;
  /** wasm + JS heap + array buffers, at idle after the request (wasm memory never shrinks: its peak). */
  isolate_mib: number;
  /** isolate_mib plus the KV cache and logits the engine held in JS during its largest step. */
  peak_mib?: number;
  rss_mb?: number;
}

/** One model loaded one way. */
export interface VariantReport {
  variant: LoadVariant;
  file_mib: number;
  /** The context the memory plan allows (ort_planned), or the model's own. */
  context_tokens?: number;
  idle?: IsolateReading;
  after_load?: IsolateReading;
  after_32?: IsolateReading;
  after_256?: IsolateReading;
  /** ort_planned only: a request filling the memory-fitted context. */
  at_context?: IsolateReading & { tokens: number };
  /** ort_planned only: ORT's heap never grew past its planned size, and the peak stayed within 128 MiB. */
  plan_held?: boolean;
  ms_per_token_32?: number;
  ms_per_token_256?: number;
  /** The greedy text of the 32-token request, to compare across variants. */
  greedy_32?: string;
  refused_256?: string;
  error?: string;
}

const FIELDS = {
  wasm_mib: "sum of live WebAssembly.Memory buffers (ORT's heap), via the inspector",
  js_heap_mib: "Runtime.getHeapUsage usedSize after the forced GC of Runtime.queryObjects",
  array_buffers_mib: "live ArrayBuffers outside the JS heap and outside wasm memory",
  isolate_mib: "wasm + JS heap + array buffers at idle: what Cloudflare counts against 128 MB, wasm at its peak",
  peak_mib: "isolate_mib + the engine's largest in-request JS transient (old KV cache + step outputs), measured in the engine",
  rss_mb: "workerd process RSS (MB of 10^6, runtime included): secondary, not what Cloudflare counts",
  ms_per_token: "warm decode ms/token: (backend_ms at 16 new - at 1 new) / 15, after a 32- or 256-token prompt",
};

/**
 * Benchmarks each model shape in each load variant, each in a fresh workerd;
 * a variant that fails records its error and the run goes on.
 *
 * @example
 * const doc = await runWorkerdMemoryBench(["tiny"]);
 */
export async function runWorkerdMemoryBench(presets: readonly Gpt2PresetName[]) {
  const models = [];
  for (const { preset, quantization } of MODELS.filter((model) => presets.includes(model.preset))) {
    const generated = await writeGeneratedModel({ preset, seed: 1, outDir: `models/generated/${preset}-seed1`, quantization });
    const ort = await convertModel(generated.modelPath);
    const variants: VariantReport[] = [];
    for (const variant of VARIANTS) {
      const path = variant === "onnx" ? generated.modelPath : ort.path;
      const base = { variant, file_mib: round(statSync(path).size / MIB) };
      console.error(`[workerd ${preset} ${quantization} ${variant}] ${base.file_mib} MiB`);
      try {
        variants.push({ ...base, ...(await benchVariant(path, variant)) });
      } catch (error) {
        variants.push({ ...base, error: error instanceof Error ? error.message : String(error) });
      }
      console.error(JSON.stringify(variants.at(-1)));
    }
    models.push({ preset, quantization, same_greedy_tokens: new Set(variants.flatMap((v) => v.greedy_32 ?? [])).size <= 1, variants });
  }
  return { machine: machineLine(), fields: FIELDS, models };
}

async function benchVariant(modelPath: string, variant: LoadVariant): Promise<Omit<VariantReport, "variant" | "file_mib">> {
  // onnx and ort lift the budget so nothing is planned or refused: they show the unplanned footprint.
  const vars: Record<string, string> = {
    EDGE_TOKEN_BUDGET: "4096",
    ...(variant === "ort_planned" ? {} : { EDGE_MEMORY_BUDGET_MB: "1000000" }),
  };
  const worker = await startBenchWorker(modelPath, vars);
  try {
    const report: Omit<VariantReport, "variant" | "file_mib"> = { idle: await read(worker) };
    const health = await worker.health();
    if (!health.ok) throw new Error(`edge refused the model: ${health.detail}`);
    report.context_tokens = health.memory?.context_tokens;
    report.after_load = await read(worker);
    const short = await worker.generate(32, NEW_TOKENS);
    if (!short.ok) throw new Error(short.error);
    report.greedy_32 = short.text;
    report.after_32 = await read(worker);
    report.ms_per_token_32 = perToken(short.backend_ms, await worker.generate(32, 1));
    const long = await worker.generate(256, NEW_TOKENS);
    if (long.ok) {
      report.after_256 = await read(worker);
      report.ms_per_token_256 = perToken(long.backend_ms, await worker.generate(256, 1));
    } else {
      report.refused_256 = long.error;
    }
    const cap = report.context_tokens;
    if (variant === "ort_planned" && cap !== undefined && cap > NEW_TOKENS + 1 && cap < 1024) {
      const filled = await worker.generate(cap - NEW_TOKENS, NEW_TOKENS);
      if (!filled.ok) throw new Error(`a request of ${cap} tokens failed: ${filled.error}`);
      report.at_context = { tokens: cap, ...(await read(worker)) };
      report.plan_held =
        report.at_context.wasm_mib === report.after_load.wasm_mib && (report.at_context.peak_mib ?? Infinity) <= BUDGET_MIB;
    }
    return report;
  } finally {
    await worker.stop();
  }
}

/** An inspector reading plus the engine's own in-request JS peak (from /health) and RSS. */
async function read(worker: BenchWorker): Promise<IsolateReading> {
  const memory: IsolateMemory = await worker.measure();
  const health = await worker.health();
  const isolate = memory.isolate_bytes / MIB;
  const transient = health.memory?.peak_step_js_mb;
  return {
    wasm_mib: round(memory.wasm_memory_bytes / MIB),
    js_heap_mib: round(memory.js_heap_used_bytes / MIB),
    array_buffers_mib: round(memory.array_buffer_bytes / MIB),
    isolate_mib: round(isolate),
    ...(transient !== undefined ? { peak_mib: round(isolate + transient) } : {}),
    rss_mb: round(worker.rssMb()),
  };
}

function perToken(longer: number, shorter: { ok: boolean; backend_ms?: number }): number | undefined {
  if (!shorter.ok || shorter.backend_ms === undefined) return undefined;
  return round((longer - shorter.backend_ms) / (NEW_TOKENS - 1));
}

function machineLine(): string {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown cpu";
  const wrangler = (JSON.parse(readFileSync("node_modules/wrangler/package.json", "utf8")) as { version: string }).version;
  return `workerd via wrangler ${wrangler} unstable_dev, Node ${process.version}, ${cpu}, onnxruntime-web wasm 1 thread`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
