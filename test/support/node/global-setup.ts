import type { TestProject } from "vitest/node";
import { createScriptedEngine } from "../../../infra/backend/scripted-engine";
import { startCompletionsServer } from "../../../infra/backend/server";
import { writeGeneratedModel } from "../../../infra/model/write-generated-model";
import { execFileSync } from "node:child_process";
import type { EdgeGolden } from "../edge-golden";

/** Generated once and reused across runs (the generator skips an identical file). */
const TINY_MODEL_DIR = "node_modules/.cache/zeroshot-router/tiny-gpt2-seed1";

/**
 * For the workerd test project: starts the vLLM-compatible stub backend (its
 * URL becomes `GPU_BASE_URL`), generates the tiny GPT-2 test model (handed to
 * the Worker as a data blob binding, see vitest.config.ts) and records what
 * the Node engine produces on it, for the cross-runtime tests.
 *
 * @example
 * // vitest.config.ts
 * test: { globalSetup: ["./test/support/node/global-setup.ts"] }
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startCompletionsServer({ engine: createScriptedEngine(), port: 0 });
  project.provide("gpuBaseUrl", server.url);
  const tiny = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: TINY_MODEL_DIR });
  project.provide("tinyModelPath", tiny.modelPath);
  project.provide("edgeGolden", computeGoldenInChild(tiny.modelPath));
  return () => server.close();
}

/** In a child process: see edge-golden.ts for why. */
function computeGoldenInChild(modelPath: string): EdgeGolden {
  const output = execFileSync("npx", ["tsx", "test/support/node/edge-golden.ts", modelPath], { encoding: "utf8" });
  return JSON.parse(output) as EdgeGolden;
}
