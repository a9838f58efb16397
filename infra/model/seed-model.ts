/**
 * `npm run model:seed -- [path/to/decoder.onnx|.ort]`
 * Puts an edge model into the local R2 bucket that `wrangler dev` uses, under
 * the key the Worker reads (EDGE_MODEL_KEY in wrangler.toml), in its
 * edge-ready ORT format: a plain ONNX file is converted first (the `.ort`
 * lands beside it). Without a path it takes models/Xenova/distilgpt2 when
 * fetched, else generates the tiny random-weight model (whose outputs are
 * meaningless) and says so.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { runWrangler } from "../run-wrangler";
import { convertModel } from "./convert-model";
import { writeGeneratedModel } from "./write-generated-model";

export const EDGE_BUCKET = "zeroshot-models";
export const EDGE_MODEL_KEY = "edge/decoder_model_merged.ort";
const FETCHED = "models/Xenova/distilgpt2/decoder_model_merged.onnx";

/** Which model the local Worker gets, and what to call it. */
export async function chooseLocalModel(explicit?: string): Promise<{ path: string; name: string; meaningless: boolean }> {
  if (explicit) return { path: explicit, name: "custom", meaningless: false };
  if (existsSync(FETCHED)) return { path: FETCHED, name: "distilgpt2", meaningless: false };
  const generated = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: "models/generated/tiny-gpt2" });
  return { path: generated.modelPath, name: "tiny-random-gpt2", meaningless: true };
}

/**
 * Copies a model file into wrangler's local R2 (.wrangler/state).
 *
 * @example
 * seedLocalModel("models/Xenova/distilgpt2/decoder_model_merged.onnx");
 */
export function seedLocalModel(path: string): void {
  runWrangler(["r2", "object", "put", `${EDGE_BUCKET}/${EDGE_MODEL_KEY}`, "--file", path, "--local"]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals } = parseArgs({ allowPositionals: true });
  const model = await chooseLocalModel(positionals[0]);
  const converted = await convertModel(model.path);
  seedLocalModel(converted.path);
  if (model.meaningless)
    console.warn("!!! Seeded the TINY RANDOM-WEIGHT model: its outputs are meaningless. Run npm run model:fetch for distilgpt2.");
  console.log(
    JSON.stringify({
      bucket: EDGE_BUCKET,
      key: EDGE_MODEL_KEY,
      ...model,
      edge_ready: converted.path,
      bytes: converted.bytes,
      sha256: converted.sha256,
    }),
  );
}
