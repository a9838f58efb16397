import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createSession } from "#ort";
import { createGpt2Runner, type Gpt2Runner } from "../../src/model/edge/gpt2-runner";
import type { InferenceSession } from "../../src/model/edge/ort-types";
import { GPT2_VOCAB_SIZE } from "../../src/model/tokenizer";
import { readModelConfig } from "../edge/load-model-file";

/**
 * Opens a GPT-2 ONNX file for the reference completions engine, on either
 * ONNX Runtime: the runner is the edge engine's, only the session differs.
 */

/** `node`: onnxruntime-node's native CPU provider; `web`: onnxruntime-web's wasm build, as in the Worker. */
export type OnnxRuntimeName = "node" | "web";

/** How to open the model. */
export interface OpenOnnxModelOptions {
  modelPath: string;
  /** Default `node`. */
  runtime?: OnnxRuntimeName;
  /** onnxruntime-node's intra-op threads (default 1); the web runtime is always single-threaded. */
  threads?: number;
}

/** A model ready for the engine, with what its config files and graph say about it. */
export interface OnnxModel {
  runner: Gpt2Runner;
  runtime: OnnxRuntimeName;
  eosTokenId: number;
  contextTokens: number;
  /** Rows of the logits: ids at or above it would index past the embedding. */
  vocabSize: number;
}

/**
 * Creates the session on the chosen runtime, wraps it in the edge runner and
 * reads end-of-text and context with `loadModelFile`'s config logic.
 *
 * @example
 * const model = await openOnnxModel({ modelPath: "models/generated/tiny-gpt2/decoder_model_merged.onnx" });
 * model.vocabSize; // 50257
 */
export async function openOnnxModel(options: OpenOnnxModelOptions): Promise<OnnxModel> {
  const runtime = options.runtime ?? "node";
  const session =
    runtime === "node"
      ? await createNativeSession(options.modelPath, options.threads ?? 1)
      : await createSession(new Uint8Array(await readFile(options.modelPath)));
  const config = await readModelConfig(dirname(options.modelPath));
  return { runner: createGpt2Runner(session), runtime, vocabSize: readVocabSize(session), ...config };
}

async function createNativeSession(modelPath: string, threads: number): Promise<InferenceSession> {
  // Imported on demand so the scripted engine and the web runtime never load the native binding.
  const { InferenceSession } = await import("onnxruntime-node");
  return InferenceSession.create(modelPath, { executionProviders: ["cpu"], intraOpNumThreads: threads, interOpNumThreads: 1 });
}

function readVocabSize(session: InferenceSession): number {
  const metadata = session.outputMetadata[session.outputNames.indexOf("logits")];
  const vocab = metadata?.isTensor ? metadata.shape.at(-1) : undefined;
  // A graph exported with a symbolic vocabulary axis says nothing; GPT-2's is the only guess left.
  return typeof vocab === "number" ? vocab : GPT2_VOCAB_SIZE;
}
