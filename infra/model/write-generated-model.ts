import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildGpt2Onnx } from "./build-gpt2-onnx";
import { GPT2_END_OF_TEXT, GPT2_PRESETS, type Gpt2Config, type Gpt2PresetName } from "./gpt2-config";
import type { Gpt2Quantization } from "./gpt2-quantization";
import { createGpt2Weights } from "./gpt2-weights";

// Part of the reuse key: bump whenever the weights or the graph would come out
// different, or an old file on disk would be taken as current.
const GENERATOR_VERSION = 2;

/** transformers.js' names, so one folder can hold every variant next to one config.json. */
export const GENERATED_MODEL_FILES: Record<Gpt2Quantization, string> = {
  fp32: "decoder_model_merged.onnx",
  int8: "decoder_model_merged_quantized.onnx",
  q4: "decoder_model_merged_q4.onnx",
};
export const GENERATED_MODEL_FILE = GENERATED_MODEL_FILES.fp32;
export const GENERATED_CONFIG_FILE = "config.json";

export interface GenerateModelOptions {
  preset: Gpt2PresetName;
  seed: number;
  outDir: string;
  /** Weight format (default fp32); picks the file name from GENERATED_MODEL_FILES. */
  quantization?: Gpt2Quantization;
}

export interface GeneratedModel {
  modelPath: string;
  configPath: string;
  bytes: number;
  sha256: string;
  /** True when an identical earlier file was kept instead of generating again. */
  reused: boolean;
}

/**
 * Writes `<outDir>/decoder_model_merged{,_quantized,_q4}.onnx` (by quantization)
 * and an HF-style `<outDir>/config.json` for a preset and seed. The config's
 * `model_files` vouches for each variant written there by sha256; when the
 * preset, seed and generator version match and the file still hashes to its
 * entry, nothing is rebuilt. Files are written under a temporary name and
 * renamed, model first and config last, so a concurrent reader never sees a
 * torn or unvouched file (two variants written into one folder at once may
 * drop each other's entry: that only costs a rebuild next time).
 *
 * @example
 * const { modelPath } = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: "models/generated/tiny-gpt2" });
 * const q4 = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: "models/generated/tiny-gpt2", quantization: "q4" });
 */
export async function writeGeneratedModel(options: GenerateModelOptions): Promise<GeneratedModel> {
  const { preset, seed, outDir, quantization = "fp32" } = options;
  const fileName = GENERATED_MODEL_FILES[quantization];
  const modelPath = join(outDir, fileName);
  const configPath = join(outDir, GENERATED_CONFIG_FILE);
  const [configText, existingModel] = await Promise.all([readOptional(configPath, "utf8"), readOptional(modelPath)]);
  const vouched = readVouchedFiles(configText, preset, seed);
  if (existingModel !== undefined) {
    const sha256 = hashBytes(existingModel);
    if (vouched[fileName] === sha256) return { modelPath, configPath, bytes: existingModel.length, sha256, reused: true };
  }

  const config = GPT2_PRESETS[preset];
  const model = buildGpt2Onnx(config, createGpt2Weights(config, seed), {
    quantization,
    metadata: { preset, seed: String(seed), generator_version: String(GENERATOR_VERSION) },
  });
  const sha256 = hashBytes(model);
  await mkdir(outDir, { recursive: true });
  await writeAtomically(modelPath, model);
  const modelFiles = { ...vouched, [fileName]: sha256 };
  await writeAtomically(configPath, `${JSON.stringify(createHfConfig(config, preset, seed, modelFiles), null, 2)}\n`);
  return { modelPath, configPath, bytes: model.length, sha256, reused: false };
}

/** The transformers GPT2Config fields loaders read, plus provenance so nobody mistakes it for trained weights. */
function createHfConfig(
  config: Gpt2Config,
  preset: Gpt2PresetName,
  seed: number,
  modelFiles: Record<string, string>,
): Record<string, unknown> {
  return {
    model_type: "gpt2",
    architectures: ["GPT2LMHeadModel"],
    vocab_size: config.vocabSize,
    n_positions: config.nPositions,
    n_embd: config.nEmbd,
    n_layer: config.nLayer,
    n_head: config.nHead,
    activation_function: "gelu_new",
    layer_norm_epsilon: 1e-5,
    tie_word_embeddings: true,
    use_cache: true,
    bos_token_id: GPT2_END_OF_TEXT,
    eos_token_id: GPT2_END_OF_TEXT,
    generated: true,
    preset,
    seed,
    generator_version: GENERATOR_VERSION,
    model_files: modelFiles,
  };
}

/** The config's file → sha256 entries; none when it was written for another preset, seed or generator version. */
function readVouchedFiles(configText: string | undefined, preset: Gpt2PresetName, seed: number): Record<string, string> {
  const stamp = configText === undefined ? undefined : parseStamp(configText);
  const matches = stamp?.preset === preset && stamp.seed === seed && stamp.generator_version === GENERATOR_VERSION;
  const files = matches ? stamp.model_files : undefined;
  if (typeof files !== "object" || files === null) return {};
  return Object.fromEntries(Object.entries(files).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

function parseStamp(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function readOptional(path: string): Promise<Buffer | undefined>;
async function readOptional(path: string, encoding: "utf8"): Promise<string | undefined>;
async function readOptional(path: string, encoding?: "utf8"): Promise<Buffer | string | undefined> {
  try {
    return encoding ? await readFile(path, encoding) : await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

function hashBytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
