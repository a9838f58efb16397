import { fork } from "node:child_process";
import { readFile } from "node:fs/promises";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createSession } from "#ort";
import { createGpt2Runner } from "../../src/model/edge/gpt2-runner";
import { gpt2Tokenizer } from "../../src/model/tokenizer";
import { isGpt2PresetName } from "./gpt2-config";
import { GPT2_QUANTIZATIONS, type Gpt2Quantization } from "./gpt2-quantization";
import { collectPathLogits, logitStd, measureLogitDrift } from "./measure-logit-drift";
import type { ModelRun, ModelRunOptions } from "./measure-model-run";
import { writeGeneratedModel } from "./write-generated-model";

// Compares the fp32, int8 and q4 variants of a generated GPT-2 in Node with `#ort`:
//
//   tsx infra/model/compare-quantized.ts [--preset distilgpt2] [--seed 1] [--steps 200] [--prompt TEXT]
//
// Per variant: file size, session load time, prefill and per-token decode
// time, peak RSS (each variant in its own process), and the logits' drift
// from fp32 along fp32's greedy path (teacher-forced, so one early
// disagreement does not derail the rest) plus how long free-running greedy
// decoding stays identical. Files go to models/generated/<preset>-seed<seed>
// (reused when already there). Prints one JSON document; progress goes to stderr.

const USAGE = "usage: tsx infra/model/compare-quantized.ts [--preset distilgpt2] [--seed 1] [--steps 200] [--prompt TEXT]";
const DEFAULT_PROMPT = "The city council met on Tuesday to discuss the new budget, and the mayor said that";

async function main(): Promise<void> {
  const options = { preset: { type: "string" }, seed: { type: "string" }, steps: { type: "string" }, prompt: { type: "string" } } as const;
  const { values } = parseArgs({ options });
  const preset = values.preset ?? "distilgpt2";
  if (!isGpt2PresetName(preset)) throw new Error(`unknown --preset ${preset}\n${USAGE}`);
  const seed = Number(values.seed ?? "1");
  const steps = Number(values.steps ?? "200");
  if (!Number.isInteger(seed) || !Number.isInteger(steps) || steps < 1) throw new Error(`--seed and --steps must be integers\n${USAGE}`);
  const promptIds = gpt2Tokenizer.encode(values.prompt ?? DEFAULT_PROMPT);
  const outDir = `models/generated/${preset}-seed${seed}`;

  const files = {} as Record<Gpt2Quantization, { path: string; bytes: number }>;
  const runs = {} as Record<Gpt2Quantization, ModelRun>;
  for (const quantization of GPT2_QUANTIZATIONS) {
    console.error(`[${quantization}] generating (reused when already on disk)`);
    const model = await writeGeneratedModel({ preset, seed, outDir, quantization });
    files[quantization] = { path: model.modelPath, bytes: model.bytes };
    console.error(`[${quantization}] decoding ${steps} tokens in a fresh process`);
    runs[quantization] = await runInChild({ path: model.modelPath, promptIds, steps });
  }

  console.error("[drift] teacher-forcing every variant along fp32's greedy path");
  const path = [...promptIds, ...runs.fp32.ids];
  const baseline = await collectLogits(files.fp32.path, path, promptIds.length);
  const variants: Record<string, unknown> = {};
  for (const quantization of GPT2_QUANTIZATIONS) {
    const { ids, ...timings } = runs[quantization];
    const drift =
      quantization === "fp32"
        ? undefined
        : {
            ...measureLogitDrift(baseline, await collectLogits(files[quantization].path, path, promptIds.length)),
            free_run_identical_tokens: countCommonPrefix(ids, runs.fp32.ids),
          };
    variants[quantization] = {
      file: files[quantization].path,
      mb: Math.round(files[quantization].bytes / 1e4) / 100,
      size_vs_fp32: Math.round((files[quantization].bytes / files.fp32.bytes) * 1000) / 1000,
      ...timings,
      ...(drift ? { drift_vs_fp32: drift } : {}),
    };
  }
  const cpu = `${cpus().length} x ${cpus()[0]?.model ?? "unknown"}`;
  const machine = { node: process.version, cpus: cpu, ort: "onnxruntime-web 1.30.0, wasm, 1 thread" };
  const setup = { preset, seed, prompt_tokens: promptIds.length, steps, fp32_logit_std: Math.round(logitStd(baseline) * 1000) / 1000 };
  console.log(JSON.stringify({ machine, ...setup, variants }, null, 2));
}

/** One variant per process: wasm memory only grows, so a shared process would report the largest model's peak for all. */
function runInChild(options: ModelRunOptions): Promise<ModelRun> {
  const script = fileURLToPath(new URL("./measure-model-run.ts", import.meta.url));
  const child = fork(script, [JSON.stringify(options)], { stdio: ["ignore", 2, 2, "ipc"] });
  return new Promise((resolve, reject) => {
    let run: ModelRun | undefined;
    child.on("message", (message) => {
      run = message as ModelRun;
    });
    child.on("error", reject);
    child.on("exit", (code) => (run ? resolve(run) : reject(new Error(`measuring ${options.path} exited with code ${code}`))));
  });
}

async function collectLogits(file: string, ids: number[], from: number): Promise<Float32Array[]> {
  const session = await createSession(new Uint8Array(await readFile(file)));
  try {
    return await collectPathLogits(createGpt2Runner(session), ids, from);
  } finally {
    await session.release();
  }
}

function countCommonPrefix(a: readonly number[], b: readonly number[]): number {
  let count = 0;
  while (count < a.length && count < b.length && a[count] === b[count]) count += 1;
  return count;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
