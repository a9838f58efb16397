import { ApiError } from "./api-error";
import type { CompletionEngine } from "./engine";
import { runGeneration, type LoopVocabulary } from "./generation-loop";
import { detokenizeGpt2, gpt2TokenText, tokenizeGpt2 } from "./gpt2-vocab";
import { scorePromptTokens } from "./onnx-logprobs";
import { openOnnxModel, type OnnxRuntimeName, type OpenOnnxModelOptions } from "./onnx-model";
import { createTokenPicker } from "./onnx-token-picker";

/**
 * A real GPT-2 behind the completions server: the Worker's edge engine (its
 * runner, sampler and logprob arithmetic) run in Node on an ONNX file, with
 * the shared generation loop (src/model/edge/generate-tokens.ts). Requests are not
 * batched; each sequence keeps its own KV cache, so concurrent requests
 * interleave safely on the one session.
 */

/** The engine plus what the server and CLI need to know about its model. */
export interface OnnxEngine extends CompletionEngine {
  readonly runtime: OnnxRuntimeName;
  /** The model's context (n_positions): the largest `max_model_len` it can serve. */
  readonly contextTokens: number;
  readonly eosTokenId: number;
}

/**
 * Loads the model and returns the engine. Text is GPT-2's tokenizer (every
 * GPT-2-family ONNX export shares it); the vocabulary size is the model's, so
 * a text whose tokens the model lacks (the 1000-token test fixture) is a 400,
 * as an out-of-vocabulary id prompt already is.
 *
 * @example
 * const engine = await createOnnxEngine({ modelPath: "models/Xenova/distilgpt2/decoder_model_merged.onnx", runtime: "node" });
 * const server = await startCompletionsServer({ engine, port: 8000, maxModelLen: engine.contextTokens });
 */
export async function createOnnxEngine(options: OpenOnnxModelOptions): Promise<OnnxEngine> {
  const model = await openOnnxModel(options);
  const vocabulary: LoopVocabulary = { endOfTextId: model.eosTokenId, detokenize: detokenizeGpt2, tokenText: gpt2TokenText };
  return {
    runtime: model.runtime,
    contextTokens: model.contextTokens,
    eosTokenId: model.eosTokenId,
    vocabSize: model.vocabSize,
    tokenize(text) {
      const ids = tokenizeGpt2(text);
      const outside = ids.find((id) => id >= model.vocabSize);
      if (outside !== undefined) throw new ApiError(400, `Token id ${outside} is out of vocabulary`);
      return ids;
    },
    detokenize: detokenizeGpt2,
    tokenText: gpt2TokenText,
    generate: (promptIds, params) => runGeneration(params, vocabulary, createTokenPicker(model.runner, promptIds, params, gpt2TokenText)),
    scorePrompt: (promptIds, alternatives) => scorePromptTokens(model.runner, promptIds, alternatives, gpt2TokenText),
  };
}
