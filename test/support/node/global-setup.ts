import type { TestProject } from "vitest/node";
import { createScriptedEngine } from "../../../infra/backend/scripted-engine";
import { startCompletionsServer } from "../../../infra/backend/server";
import { convertModel } from "../../../infra/model/convert-model";
import { writeGeneratedModel } from "../../../infra/model/write-generated-model";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildGpt2Onnx } from "../../../infra/model/build-gpt2-onnx";
import { GPT2_PRESETS } from "../../../infra/model/gpt2-config";
import { createGpt2Weights } from "../../../infra/model/gpt2-weights";
import type { EdgeGolden } from "../edge-golden";

/** Generated once and reused across runs (the generator skips an identical file). */
const TINY_MODEL_DIR = "node_modules/.cache/zeroshot-router/tiny-gpt2-seed1";

/**
 * For the workerd test project: starts the vLLM-compatible stub backend (its
 * URL becomes `GPU_BASE_URL`) and two more (`gpuBaseUrlB`, a second healthy
 * server, and `gpuBaseUrlFaulty` and `gpuBaseUrlRouting`, each for the one
 * test file that sets server-wide faults on it), generates the
 * tiny GPT-2 test model (handed to the Worker as a data blob binding, see
 * vitest.config.ts) and records what the Node engine produces on it, for
 * the cross-runtime tests.
 *
 * @example
 * // vitest.config.ts
 * test: { globalSetup: ["./test/support/node/global-setup.ts"] }
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startCompletionsServer({ engine: createScriptedEngine(), port: 0 });
  project.provide("gpuBaseUrl", server.url);
  // Test files run in parallel against the shared stub, so server-wide faults need servers of their own.
  const serverB = await startCompletionsServer({ engine: createScriptedEngine(), port: 0 });
  project.provide("gpuBaseUrlB", serverB.url);
  const faultyServer = await startCompletionsServer({ engine: createScriptedEngine(), port: 0 });
  project.provide("gpuBaseUrlFaulty", faultyServer.url);
  const routingServer = await startCompletionsServer({ engine: createScriptedEngine(), port: 0 });
  project.provide("gpuBaseUrlRouting", routingServer.url);
  const tiny = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: TINY_MODEL_DIR });
  project.provide("tinyModelPath", tiny.modelPath);
  project.provide("tinyFirstPassPath", await writeFirstPassModel());
  project.provide("edgeGolden", computeGoldenInChild(tiny.modelPath));
  // Sequential: the variants share the folder's config.json.
  const int8 = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: TINY_MODEL_DIR, quantization: "int8" });
  const q4 = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: TINY_MODEL_DIR, quantization: "q4" });
  project.provide("tinyQuantized", {
    int8: { path: int8.modelPath, golden: computeGoldenInChild(int8.modelPath) },
    q4: { path: q4.modelPath, golden: computeGoldenInChild(q4.modelPath) },
  });
  // The edge-ready form of each (what model:seed puts in R2): one copy of the weights in the Worker,
  // the LM head on the last position only when generating (int8 then quantizes that row alone).
  const ortOf = async (modelPath: string) => {
    const { path } = await convertModel(modelPath);
    return { path, golden: computeGoldenInChild(path) };
  };
  project.provide("tinyOrt", { fp32: await ortOf(tiny.modelPath), int8: await ortOf(int8.modelPath), q4: await ortOf(q4.modelPath) });
  return async () => {
    await Promise.all([server.close(), serverB.close(), faultyServer.close(), routingServer.close()]);
  };
}

/** The same tiny model as Optimum's split `decoder_model.onnx` (no past inputs). */
async function writeFirstPassModel(): Promise<string> {
  const path = join(TINY_MODEL_DIR, "decoder_model.onnx");
  const config = GPT2_PRESETS.tiny;
  await writeFile(path, buildGpt2Onnx(config, createGpt2Weights(config, 1), { withPast: false }));
  return path;
}

/** In a child process: see edge-golden.ts for why. */
function computeGoldenInChild(modelPath: string): EdgeGolden {
  const output = execFileSync("npx", ["tsx", "test/support/node/edge-golden.ts", modelPath], { encoding: "utf8" });
  return JSON.parse(output) as EdgeGolden;
}
