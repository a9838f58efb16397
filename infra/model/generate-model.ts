import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { isGpt2PresetName } from "./gpt2-config";
import { isGpt2Quantization } from "./gpt2-quantization";
import { writeGeneratedModel } from "./write-generated-model";

// Generates a deterministic random-weight GPT-2 in ONNX (KV-cache decoder):
//
//   tsx infra/model/generate-model.ts [--preset tiny|distilgpt2|gpt2] [--seed 1] [--out DIR] [--quant int8|q4]
//
// Writes DIR/decoder_model_merged.onnx (with --quant int8:
// decoder_model_merged_quantized.onnx, q4: decoder_model_merged_q4.onnx) and
// DIR/config.json (default DIR: models/generated/<preset>-seed<seed>) and
// prints a JSON summary. The weights
// are random: the model's text is meaningless. Scripts and tests import
// `writeGeneratedModel` from here instead of spawning the CLI.

export { writeGeneratedModel };

const USAGE = "usage: tsx infra/model/generate-model.ts [--preset tiny|distilgpt2|gpt2] [--seed 1] [--out DIR] [--quant int8|q4]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { preset: { type: "string" }, seed: { type: "string" }, out: { type: "string" }, quant: { type: "string" } },
  });
  const preset = values.preset ?? "tiny";
  if (!isGpt2PresetName(preset)) throw new Error(`unknown --preset ${preset}\n${USAGE}`);
  const seed = Number(values.seed ?? "1");
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new Error(`--seed must be an integer in [0, 2^32), got ${values.seed}\n${USAGE}`);
  const quantization = values.quant ?? "fp32";
  if (!isGpt2Quantization(quantization)) throw new Error(`unknown --quant ${quantization}\n${USAGE}`);
  const outDir = values.out ?? `models/generated/${preset}-seed${seed}`;
  const model = await writeGeneratedModel({ preset, seed, outDir, quantization });
  const summary = {
    path: model.modelPath,
    config: model.configPath,
    quantization,
    bytes: model.bytes,
    sha256: model.sha256,
    reused: model.reused,
  };
  console.log(JSON.stringify(summary));
}

// Importing this module (tests, other scripts) must not run the CLI.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
