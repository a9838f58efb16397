/**
 * `npm run bench:edge -- --memory [--presets tiny]`: each generated edge model
 * variant runs in the real Worker on its own workerd (wrangler's dev server),
 * whose RSS is sampled from /proc while a 32-token and a 512-token generate
 * request go through `POST /v1/tasks/generate` with `backend: "edge"`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "gpt-tokenizer/encoding/r50k_base";
import { unstable_dev, type Unstable_DevWorker } from "wrangler";
import type { Gpt2PresetName } from "../model/gpt2-config";
import { GPT2_QUANTIZATIONS } from "../model/gpt2-quantization";
import type { Gpt2Quantization } from "../model/gpt2-quantization";
import { writeGeneratedModel } from "../model/write-generated-model";
import { sampleRss, workerdPids } from "./workerd-process";

/** One variant's figures in MB (10^6 bytes) and ms, or the error that stopped it. */
export interface WorkerdVariantReport {
  preset: Gpt2PresetName;
  quantization: Gpt2Quantization;
  file_mb: number;
  rss_before_mb?: number;
  rss_after_load_mb?: number;
  peak_rss_mb?: number;
  model_mb_over_runtime?: number;
  first_request_ms?: number;
  load_ms?: number;
  ms_per_token_32?: number;
  ms_per_token_512?: number;
  fits_128mb?: boolean;
  error?: string;
}

const BUCKET = "zeroshot-models";
const BUDGET_MB = 128;
const MB = 1e6;
const NEW_TOKENS = 16;

const FIELDS = {
  file_mb: "size of the .onnx file in R2",
  rss_before_mb: "workerd RSS after startup (runtime + bundle incl. the 14 MB ORT wasm module), before any request",
  rss_after_load_mb: "workerd RSS after the first 32-token request (model loaded, prefill + 16 decode steps)",
  peak_rss_mb: "workerd VmHWM (kernel high-water mark) over the whole run, cross-checked by 50 ms VmRSS sampling",
  model_mb_over_runtime: "peak_rss_mb - rss_before_mb: what the model, ORT's wasm heap and the isolate's JS heap add",
  first_request_ms: "wall time of the first request: R2 read + session creation + 32-token prefill + 16 decode steps",
  load_ms: "first request's backend_ms minus the same request's warm backend_ms",
  ms_per_token_32: "warm decode ms/token after a 32-token prompt: (backend_ms at 16 new - at 1 new) / (tokens difference)",
  ms_per_token_512: "the same after a ~512-token prompt",
  fits_128mb: "model_mb_over_runtime <= 128 (the Workers limit covers JS heap + wasm memory, not the runtime itself)",
};

/**
 * Benchmarks every quantization of each preset in a fresh workerd; a variant
 * that crashes or fails records its error and the run goes on.
 *
 * @example
 * const doc = await runWorkerdMemoryBench(["tiny"]);
 * console.log(doc.variants[0]?.peak_rss_mb);
 */
export async function runWorkerdMemoryBench(presets: readonly Gpt2PresetName[]) {
  const variants: WorkerdVariantReport[] = [];
  for (const preset of presets) {
    for (const quantization of GPT2_QUANTIZATIONS) {
      const { modelPath } = await writeGeneratedModel({ preset, seed: 1, outDir: `models/generated/${preset}-seed1`, quantization });
      const base = { preset, quantization, file_mb: round(statSync(modelPath).size / MB) };
      console.error(`[workerd ${preset} ${quantization}] ${base.file_mb} MB`);
      try {
        variants.push({ ...base, ...(await benchVariant(modelPath, `bench/${preset}-${quantization}.onnx`)) });
      } catch (error) {
        variants.push({ ...base, error: error instanceof Error ? error.message : String(error) });
      }
      console.error(JSON.stringify(variants.at(-1)));
    }
  }
  return { machine: machineLine(), budget_mb: BUDGET_MB, fields: FIELDS, variants };
}

async function benchVariant(modelPath: string, key: string): Promise<Omit<WorkerdVariantReport, "preset" | "quantization" | "file_mb">> {
  // A fresh persist folder per variant keeps at most one model copy on disk.
  const persistTo = mkdtempSync(join(tmpdir(), "workerd-memory-"));
  let worker: Unstable_DevWorker | undefined;
  try {
    execFileSync("npx", ["wrangler", "r2", "object", "put", `${BUCKET}/${key}`, "--file", modelPath, "--local", "--persist-to", persistTo], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    });
    const before = new Set(workerdPids().map(({ pid }) => pid));
    worker = await unstable_dev("src/index.ts", {
      experimental: { disableExperimentalWarning: true },
      // The 512-token request is over the default edge token budget, and the loader's
      // memory guard (an estimate) would refuse the very models being measured.
      vars: { EDGE_MODEL_KEY: key, EDGE_TOKEN_BUDGET: "4096", EDGE_MEMORY_BUDGET_MB: "1000000" },
      persistTo,
      logLevel: "error",
    });
    // wrangler's proxy is a workerd of its own, up when unstable_dev resolves; the
    // Worker's workerd starts later, so a request that loads no model waits for it.
    await (await worker.fetch("/health")).arrayBuffer();
    const pid = workerdPids().filter((candidate) => !before.has(candidate.pid)).sort((a, b) => b.started - a.started)[0]?.pid;
    if (pid === undefined) throw new Error("no new workerd process found under this process");
    const sampler = sampleRss(pid);
    try {
      const rssBefore = sampler.current();
      const short = promptOf(32);
      const started = performance.now();
      const first = await generate(worker, short, NEW_TOKENS);
      const firstMs = performance.now() - started;
      const rssAfterLoad = sampler.current();
      const warm = await generate(worker, short, NEW_TOKENS);
      const perToken32 = decodeMsPerToken(warm, await generate(worker, short, 1));
      const long = promptOf(512);
      const perToken512 = decodeMsPerToken(await generate(worker, long, NEW_TOKENS), await generate(worker, long, 1));
      const peak = sampler.stop();
      return {
        rss_before_mb: round(rssBefore),
        rss_after_load_mb: round(rssAfterLoad),
        peak_rss_mb: round(peak),
        model_mb_over_runtime: round(peak - rssBefore),
        first_request_ms: Math.round(firstMs),
        load_ms: Math.round(first.backend_ms - warm.backend_ms),
        ms_per_token_32: round(perToken32),
        ms_per_token_512: round(perToken512),
        fits_128mb: peak - rssBefore <= BUDGET_MB,
      };
    } finally {
      sampler.stop();
    }
  } finally {
    await worker?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

interface GenerateTimings {
  backend_ms: number;
  completion_tokens: number;
}

async function generate(worker: Unstable_DevWorker, prompt: string, maxTokens: number): Promise<GenerateTimings> {
  const response = await worker.fetch("/v1/tasks/generate", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt, options: { backend: "edge", temperature: 0, max_tokens: maxTokens } }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`generate returned ${response.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text) as { usage: { completion_tokens: number }; timings: { backend_ms: number } };
  return { backend_ms: body.timings.backend_ms, completion_tokens: body.usage.completion_tokens };
}

/** Differencing two lengths cancels the prefill that backend_ms also holds. */
function decodeMsPerToken(longer: GenerateTimings, shorter: GenerateTimings): number {
  const steps = longer.completion_tokens - shorter.completion_tokens;
  if (steps < 1) return Number.NaN;
  return (longer.backend_ms - shorter.backend_ms) / steps;
}

/** Each word is one GPT-2 (r50k) token, so the prompt is exactly `tokens` long. */
function promptOf(tokens: number): string {
  const words = ["The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", "."];
  const text = Array.from({ length: tokens }, (_, index) => words[index % words.length]).join("");
  if (encode(text).length !== tokens) throw new Error(`prompt is ${encode(text).length} tokens, wanted ${tokens}`);
  return text;
}

function machineLine(): string {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown cpu";
  return `workerd via wrangler ${readWranglerVersion()} unstable_dev, Node ${process.version}, ${cpu}, onnxruntime-web wasm 1 thread`;
}

function readWranglerVersion(): string {
  return (JSON.parse(readFileSync("node_modules/wrangler/package.json", "utf8")) as { version: string }).version;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
