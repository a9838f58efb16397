import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildGpt2Onnx } from "./build-gpt2-onnx";
import { GPT2_END_OF_TEXT, GPT2_PRESETS, type Gpt2Config, type Gpt2PresetName } from "./gpt2-config";
import { createGpt2Weights } from "./gpt2-weights";

// Part of the reuse key: bump whenever the weights or the graph would come out
// different, or an old file on disk would be taken as current.
const GENERATOR_VERSION = 1;

export const GENERATED_MODEL_FILE = "decoder_model_merged.onnx";
export const GENERATED_CONFIG_FILE = "config.json";

export interface GeneratedModel {
  modelPath: string;
  configPath: string;
  bytes: number;
  sha256: string;
  /** True when an identical earlier file was kept instead of generating again. */
  reused: boolean;
}

/**
 * Writes `<outDir>/decoder_model_merged.onnx` and an HF-style `<outDir>/config.json`
 * for a preset and seed. When both already exist for the same preset, seed and
 * generator version and the model's sha256 still matches, nothing is rebuilt.
 * Files are written under a temporary name and renamed, model first and config
 * last, so a concurrent reader never sees a torn or unvouched file.
 *
 * @example
 * const { modelPath } = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: "models/generated/tiny-gpt2" });
 */
export async function writeGeneratedModel(options: { preset: Gpt2PresetName; seed: number; outDir: string }): Promise<GeneratedModel> {
  const { preset, seed, outDir } = options;
  const modelPath = join(outDir, GENERATED_MODEL_FILE);
  const configPath = join(outDir, GENERATED_CONFIG_FILE);
  const existing = await findReusableModel(modelPath, configPath, preset, seed);
  if (existing) return { modelPath, configPath, ...existing, reused: true };

  const config = GPT2_PRESETS[preset];
  const model = buildGpt2Onnx(config, createGpt2Weights(config, seed), {
    metadata: { preset, seed: String(seed), generator_version: String(GENERATOR_VERSION) },
  });
  const sha256 = hashBytes(model);
  await mkdir(outDir, { recursive: true });
  await writeAtomically(modelPath, model);
  await writeAtomically(configPath, `${JSON.stringify(createHfConfig(config, preset, seed, sha256), null, 2)}\n`);
  return { modelPath, configPath, bytes: model.length, sha256, reused: false };
}

/** The transformers GPT2Config fields loaders read, plus provenance so nobody mistakes it for trained weights. */
function createHfConfig(config: Gpt2Config, preset: Gpt2PresetName, seed: number, sha256: string): Record<string, unknown> {
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
    model_sha256: sha256,
  };
}

async function findReusableModel(
  modelPath: string,
  configPath: string,
  preset: Gpt2PresetName,
  seed: number,
): Promise<{ bytes: number; sha256: string } | undefined> {
  const [configText, model] = await Promise.all([readOptional(configPath, "utf8"), readOptional(modelPath)]);
  if (configText === undefined || model === undefined) return undefined;
  const stamp = parseStamp(configText);
  const sha256 = hashBytes(model);
  const matches = stamp?.preset === preset && stamp.seed === seed && stamp.generator_version === GENERATOR_VERSION && stamp.model_sha256 === sha256;
  return matches ? { bytes: model.length, sha256 } : undefined;
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
