/**
 * Benchmarks the edge GPT-2 engine (onnxruntime-web, wasm, one thread) in Node:
 *   npm run bench:edge                                  # generated tiny and distilgpt2
 *   npm run bench:edge -- --presets tiny --steps 4
 *   npm run bench:edge -- --model path/to/model.onnx    # only that file
 *   npm run bench:edge -- --model a.onnx --presets tiny # that file and the tiny preset
 *   npm run bench:edge -- --memory [--presets tiny]     # fp32/int8/q4 of each, in workerd
 * Options: --presets a,b (tiny, distilgpt2, gpt2), --model FILE (repeatable),
 * --steps N decode steps per measurement (16), --rounds N measurements per
 * position and loop (3), the report taking the median step over all of them.
 * Prints one JSON document on stdout; progress goes to stderr.
 */
import { execFileSync, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isGpt2PresetName } from "../model/gpt2-config";
import { writeGeneratedModel } from "../model/write-generated-model";
import type { BenchModelOptions } from "./bench-model";
import type { ModelReport } from "./model-report";
import { runWorkerdMemoryBench } from "./workerd-memory";
import { parseCount } from "./cli-args";

/** The quantized variants' drift from fp32 (infra/model/compare-quantized.ts, 200 greedy steps). */
function compareQuantized(preset: string): unknown {
  const stdout = execFileSync("npx", ["tsx", "infra/model/compare-quantized.ts", "--preset", preset, "--steps", "200"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(stdout);
}

const USAGE = "usage: npm run bench:edge -- [--memory] [--presets tiny,distilgpt2] [--model FILE]... [--steps 16] [--rounds 3]";
const DEFAULT_PRESETS = "tiny,distilgpt2";
// The exact pin from package.json, so this file does not import ORT (only #ort does).
const ORT_VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string> }
).dependencies["onnxruntime-web"];
// The seed and folder `npm run model:generate` uses, so both share one generated file.
const SEED = 1;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      presets: { type: "string" },
      model: { type: "string", multiple: true },
      steps: { type: "string", default: "16" },
      rounds: { type: "string", default: "3" },
      memory: { type: "boolean", default: false },
    },
  });
  const steps = parseCount(values.steps, "--steps", 1, USAGE);
  const rounds = parseCount(values.rounds, "--rounds", 1, USAGE);
  const files = values.model ?? [];
  // A --model alone replaces the default presets; with --presets it adds to them.
  const presets = (values.presets ?? (files.length > 0 ? "" : DEFAULT_PRESETS)).split(",").filter((name) => name !== "");

  if (values.memory) {
    const known = presets.filter(isGpt2PresetName);
    if (known.length !== presets.length || files.length > 0) throw new Error(`--memory takes generated presets only\n${USAGE}`);
    const workerd = await runWorkerdMemoryBench(known);
    // Logit drift does not depend on the host (the same wasm binary gives bit-identical logits in
    // workerd and Node), so it comes from the Node comparison, run per preset in its own process.
    const drift = Object.fromEntries(known.map((preset) => [preset, compareQuantized(preset)]));
    console.log(JSON.stringify({ workerd, drift_vs_fp32: drift }, null, 2));
    return;
  }

  const targets: Array<{ name: string; path: string }> = [];
  for (const preset of presets) {
    if (!isGpt2PresetName(preset)) throw new Error(`unknown preset ${preset}\n${USAGE}`);
    console.error(`[${preset}] generating (reused when already on disk)`);
    const { modelPath } = await writeGeneratedModel({ preset, seed: SEED, outDir: `models/generated/${preset}-seed${SEED}` });
    targets.push({ name: preset, path: modelPath });
  }
  targets.push(...files.map((path) => ({ name: path, path })));

  const models: ModelReport[] = [];
  for (const target of targets) models.push(await benchInChild({ ...target, steps, rounds }));
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? "unknown",
    ort: `onnxruntime-web ${ORT_VERSION} wasm, 1 thread`,
  };
  console.log(JSON.stringify({ machine, settings: { steps, rounds }, models }, null, 2));
}

/**
 * Each model runs in a fresh process so its peak RSS is its own: wasm memory
 * only grows, and a second model in the same process would inherit the first's.
 */
function benchInChild(options: BenchModelOptions): Promise<ModelReport> {
  // The child's stdout goes to our stderr: stdout carries only the JSON document.
  const child = fork(fileURLToPath(new URL("./bench-child.ts", import.meta.url)), [JSON.stringify(options)], {
    stdio: ["ignore", 2, 2, "ipc"],
  });
  return new Promise((resolve, reject) => {
    let report: ModelReport | undefined;
    child.on("message", (message) => {
      report = message as ModelReport;
    });
    child.on("error", reject);
    child.on("exit", (code) => (report ? resolve(report) : reject(new Error(`benchmark of ${options.name} exited with code ${code}`))));
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
