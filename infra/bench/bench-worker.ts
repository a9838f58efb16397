/** The router on its own workerd for one benchmark variant: one model in local R2, the inspector on. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "gpt-tokenizer/encoding/r50k_base";
import { unstable_dev } from "wrangler";
import { runWrangler } from "../run-wrangler";
import { connectIsolateInspector, findFreePort, findInspectorUrl } from "./isolate-memory";
import type { IsolateMemory } from "./isolate-memory";
import { sampleRss, workerdPids } from "./workerd-process";

const BUCKET = "zeroshot-models";
const KEY = "bench/model";

/** What `/health?check=true` says of the edge model. */
export interface EdgeHealth {
  ok: boolean;
  detail?: string;
  memory?: { model_mb: number; wasm_mb?: number; context_tokens: number; peak_step_js_mb?: number };
}

export type GenerateResult = { ok: true; backend_ms: number; text: string } | { ok: false; error: string };

export interface BenchWorker {
  health(): Promise<EdgeHealth>;
  /** A greedy edge generation after an exactly `promptTokens`-token prompt. */
  generate(promptTokens: number, maxTokens: number): Promise<GenerateResult>;
  /** The isolate's memory through workerd's inspector (call between requests). */
  measure(): Promise<IsolateMemory>;
  /** workerd's peak RSS so far, MB of 10^6. */
  rssMb(): number;
  stop(): Promise<void>;
}

/**
 * Seeds `modelPath` into a fresh local R2 and starts `src/index.ts` under
 * `unstable_dev` with `vars` and the inspector on a free port.
 *
 * @example
 * const worker = await startBenchWorker("models/generated/tiny-seed1/decoder_model_merged.ort", {});
 * await worker.generate(32, 16); console.log(await worker.measure()); await worker.stop();
 */
export async function startBenchWorker(modelPath: string, vars: Record<string, string>): Promise<BenchWorker> {
  // A fresh persist folder per variant keeps at most one model copy on disk.
  const persistTo = mkdtempSync(join(tmpdir(), "workerd-memory-"));
  runWrangler(["r2", "object", "put", `${BUCKET}/${KEY}`, "--file", modelPath, "--local", "--persist-to", persistTo]);
  const before = new Set(workerdPids().map(({ pid }) => pid));
  const inspectorPort = await findFreePort();
  const worker = await unstable_dev("src/index.ts", {
    experimental: { disableExperimentalWarning: true },
    vars: { EDGE_MODEL_KEY: KEY, ...vars },
    persistTo,
    inspectorPort,
    logLevel: "error",
  });
  // The Worker's workerd starts after wrangler's proxy; a request that loads no model waits for it.
  await (await worker.fetch("/health")).arrayBuffer();
  const pid = workerdPids()
    .filter((candidate) => !before.has(candidate.pid))
    .sort((a, b) => b.started - a.started)[0]?.pid;
  const sampler = pid === undefined ? undefined : sampleRss(pid);
  const inspector = await connectIsolateInspector(await findInspectorUrl(inspectorPort));
  return {
    async health() {
      const body = (await (await worker.fetch("/health?check=true")).json()) as { backends: Array<EdgeHealth & { id: string }> };
      return body.backends.find((backend) => backend.id === "edge") ?? { ok: false, detail: "no edge backend" };
    },
    async generate(promptTokens, maxTokens) {
      const response = await worker.fetch("/v1/tasks/generate", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: promptOf(promptTokens), options: { backend: "edge", temperature: 0, max_tokens: maxTokens } }),
      });
      const text = await response.text();
      if (response.status !== 200) return { ok: false, error: `generate returned ${response.status}: ${text.slice(0, 300)}` };
      const body = JSON.parse(text) as { output: { text: string }; timings: { backend_ms: number } };
      return { ok: true, backend_ms: body.timings.backend_ms, text: body.output.text };
    },
    measure: () => inspector.measure(),
    rssMb: () => sampler?.peak() ?? Number.NaN,
    async stop() {
      sampler?.stop();
      await inspector.close();
      await worker.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}

/** Each word is one GPT-2 (r50k) token, so the prompt is exactly `tokens` long. */
function promptOf(tokens: number): string {
  const words = ["The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", "."];
  const text = Array.from({ length: tokens }, (_, index) => words[index % words.length]).join("");
  if (encode(text).length !== tokens) throw new Error(`prompt is ${encode(text).length} tokens, wanted ${tokens}`);
  return text;
}
