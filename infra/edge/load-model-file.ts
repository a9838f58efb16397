import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createSession } from "#ort";
import { createGpt2Runner, type Gpt2Runner } from "../../src/model/edge/gpt2-runner";
import type { OrtSessionOptions } from "../../src/model/edge/ort-types";
import { END_OF_TEXT_ID } from "../../src/model/tokenizer";

/** A model loaded from disk, with what its config files say about it. */
export interface LoadedModelFile {
  runner: Gpt2Runner;
  eosTokenId: number;
  contextTokens: number;
  bytes: number;
}

/**
 * Loads a GPT-2 ONNX file into the edge engine (Node side: CLI, benchmarks,
 * the reference backend). End-of-text id and context come from a sibling
 * `config.json` (Hugging Face) or `genai_config.json` (onnxruntime-genai) when
 * present, else GPT-2's.
 *
 * @example
 * const { runner, eosTokenId } = await loadModelFile("models/tiny-gpt2/decoder_model_merged.onnx");
 */
export async function loadModelFile(path: string, options?: OrtSessionOptions): Promise<LoadedModelFile> {
  const bytes = new Uint8Array(await readFile(path));
  const runner = createGpt2Runner(await createSession(bytes, options));
  const config = await readModelConfig(dirname(path));
  return { runner, bytes: bytes.byteLength, ...config };
}

/**
 * End-of-text id and context length for the model files in `folder`, from
 * `config.json` (Hugging Face) or `genai_config.json` (onnxruntime-genai),
 * else GPT-2's; shared with the reference backend, which opens its own session.
 *
 * @example
 * await readModelConfig("test/fixtures/tiny-random-gpt2-ort"); // { eosTokenId: 98, contextTokens: 512 }
 */
export async function readModelConfig(folder: string): Promise<{ eosTokenId: number; contextTokens: number }> {
  const hf = await readJson(join(folder, "config.json"));
  if (hf) return { eosTokenId: numberOr(hf.eos_token_id, END_OF_TEXT_ID), contextTokens: numberOr(hf.n_positions, 1024) };
  const genai = (await readJson(join(folder, "genai_config.json")))?.model as Record<string, unknown> | undefined;
  if (genai) return { eosTokenId: numberOr(genai.eos_token_id, END_OF_TEXT_ID), contextTokens: numberOr(genai.context_length, 1024) };
  return { eosTokenId: END_OF_TEXT_ID, contextTokens: 1024 };
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
