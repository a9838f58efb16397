/**
 * `npx tsx infra/bench/session-options.ts <model.onnx>`: which ORT session
 * options keep an edge model's peak memory lowest. Each option set runs in a
 * fresh process (wasm memory never shrinks): create the session from bytes,
 * drop the bytes, prefill 32 tokens, decode 16 greedily. Prints JSON with the
 * process's peak RSS (VmHWM) and ms/token per option set.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createSession } from "#ort";
import { generateIds } from "../../src/model/edge/generate-ids";
import { createGpt2Runner } from "../../src/model/edge/gpt2-runner";
import type { OrtSessionOptions } from "../../src/model/edge/ort-types";

const OPTION_SETS: Record<string, OrtSessionOptions> = {
  defaults: {},
  "no-arena": { enableCpuMemArena: false },
  "no-arena-no-pattern": { enableCpuMemArena: false, enableMemPattern: false },
  "basic-optimization": { graphOptimizationLevel: "basic" },
  "no-optimization": { graphOptimizationLevel: "disabled" },
  "lean (no arena, no pattern, basic)": { enableCpuMemArena: false, enableMemPattern: false, graphOptimizationLevel: "basic" },
};

function peakRssMb(): number {
  const line = readFileSync("/proc/self/status", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("VmHWM:"));
  return Number(line?.match(/\d+/)?.[0] ?? 0) / 1024;
}

async function runChild(path: string, name: string): Promise<void> {
  let bytes: Uint8Array | undefined = new Uint8Array(await readFile(path));
  const started = performance.now();
  const session = await createSession(bytes, OPTION_SETS[name]);
  bytes = undefined;
  const loadMs = performance.now() - started;
  const runner = createGpt2Runner(session);
  const prompt = Array.from({ length: 32 }, (_, index) => 464 + index);
  const decodeStart = performance.now();
  await generateIds(runner, prompt, { strategy: "greedy", maxTokens: 16 }, { eosTokenId: -1, decode: (ids) => ids.join(",") });
  const msPerToken = (performance.now() - decodeStart) / 16;
  console.log(
    JSON.stringify({
      options: name,
      load_ms: Math.round(loadMs),
      ms_per_token_incl_prefill: Math.round(msPerToken * 10) / 10,
      peak_rss_mb: Math.round(peakRssMb()),
    }),
  );
}

const [mode, path, name] = process.argv.slice(2);
if (mode === "--child" && path && name) {
  await runChild(path, name);
} else if (mode) {
  const results = Object.keys(OPTION_SETS).map((option) =>
    JSON.parse(execFileSync("npx", ["tsx", "infra/bench/session-options.ts", "--child", mode, option], { encoding: "utf8" })),
  );
  console.log(JSON.stringify({ model: mode, runtime: "onnxruntime-web 1.30.0 wasm (Node), 1 thread", results }, null, 2));
} else {
  console.error("usage: npx tsx infra/bench/session-options.ts <model.onnx>");
  process.exit(2);
}
