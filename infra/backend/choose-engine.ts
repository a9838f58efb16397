import { chooseLocalModel } from "../model/seed-model";
import type { CompletionEngine } from "./engine";
import { createOnnxEngine } from "./onnx-engine";
import type { OnnxRuntimeName } from "./onnx-model";
import { createScriptedEngine } from "./scripted-engine";

/**
 * Which engine the backend CLI serves, and the banner that tells a person on
 * the console what its answers are worth.
 */

/** The CLI's engine flags. */
export interface EngineChoice {
  engine?: "scripted" | "onnx";
  modelPath?: string;
  runtime?: OnnxRuntimeName;
}

/** A started engine, the largest context it supports and what to print about it. */
export interface ChosenEngine {
  engine: CompletionEngine;
  /** Undefined for the scripted engine, which has no context of its own. */
  contextTokens?: number;
  banner: string[];
}

const STUB_BANNER = [
  "WARNING: this is a STUB backend, not a model. It speaks vLLM's /v1/completions wire format,",
  "but every completion and logprob it returns is scripted or pseudo-random and MEANINGLESS.",
  "Use it for tests and local development only; point GPU_BASE_URL at a real vLLM server for real answers.",
];

const RANDOM_WEIGHTS_BANNER = [
  "WARNING: no model given and none fetched, so this serves a GENERATED tiny GPT-2 with RANDOM weights.",
  "The protocol, tokenizer, sampling and logprobs are real; the text and scores are MEANINGLESS.",
  "Run `npm run model:fetch` (distilgpt2) or pass --model-path <file.onnx> for a real model.",
];

/**
 * Builds the engine: `scripted` is the deterministic stub; otherwise ONNX on
 * `modelPath`, else the fetched distilgpt2, else a generated random-weight tiny
 * GPT-2 (written once under models/generated/, with a loud banner).
 *
 * @example
 * const { engine, contextTokens, banner } = await chooseEngine({ modelPath: "model.onnx" });
 */
export async function chooseEngine(choice: EngineChoice): Promise<ChosenEngine> {
  if (choice.engine === "scripted") {
    if (choice.modelPath !== undefined) throw new Error("--model-path needs --engine onnx; the scripted engine has no model");
    return { engine: createScriptedEngine(), banner: STUB_BANNER };
  }
  const model = await chooseLocalModel(choice.modelPath);
  const engine = await createOnnxEngine({ modelPath: model.path, runtime: choice.runtime ?? "node" });
  const served = `Serving ${model.path} on onnxruntime-${engine.runtime} (context ${engine.contextTokens}, end-of-text id ${engine.eosTokenId}).`;
  return { engine, contextTokens: engine.contextTokens, banner: model.meaningless ? [...RANDOM_WEIGHTS_BANNER, served] : [served] };
}
