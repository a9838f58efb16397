import { randomBytes } from "node:crypto";
import { ApiError } from "./api-error";
import { checkSamplingParams, type CompletionRequest, type PromptInput } from "./completion-request";
import type { CompletionEngine, GenerationParams, GenerationResult, ScoredToken } from "./engine";
import { describeGeneratedEntry, describePromptEntries, formatLogprobs, type CompletionLogprobs } from "./format-logprobs";

/**
 * Runs a validated completions request on an engine and shapes the answer as
 * vLLM's `OpenAIServingCompletion` does; `generateChoices` is the part the
 * streamed answer (stream-chunks.ts) shares.
 */

/** vLLM's non-streaming `/v1/completions` response. */
export interface CompletionResponse {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    text: string;
    logprobs: CompletionLogprobs | null;
    finish_reason: "stop" | "length";
    stop_reason: string | null;
  }>;
  usage: { prompt_tokens: number; total_tokens: number; completion_tokens: number };
}

/** What the server was started with. */
export interface ServedModel {
  engine: CompletionEngine;
  modelName: string;
  maxModelLen: number;
}

function tokenizePrompt(prompt: PromptInput, engine: CompletionEngine): { ids: number[]; text: string } {
  if (prompt.kind === "text") return { ids: engine.tokenize(prompt.text), text: prompt.text };
  const outOfVocabulary = prompt.ids.find((id) => id >= engine.vocabSize);
  if (outOfVocabulary !== undefined) throw new ApiError(400, `Token id ${outOfVocabulary} is out of vocabulary`);
  return { ids: prompt.ids, text: engine.detokenize(prompt.ids) };
}

/** Token usage as vLLM reports it. */
export type CompletionUsage = CompletionResponse["usage"];

/** One generated sequence with what its prompt looked like. */
export interface GeneratedChoice {
  /** promptIndex * n + sampleIndex, as in vLLM. */
  index: number;
  sampleIndex: number;
  prompt: { ids: number[]; text: string };
  /** Prompt token logprobs, filled for echo requests with logprobs. */
  scored: Array<ScoredToken | null>;
  result: GenerationResult;
}

/**
 * Checks the request as vLLM does and generates every choice: `n` per prompt.
 *
 * @example
 * const choices = await generateChoices(parseCompletionRequest(body), served);
 */
export async function generateChoices(request: CompletionRequest, served: ServedModel): Promise<GeneratedChoice[]> {
  const { engine, modelName, maxModelLen } = served;
  if (request.model !== null && request.model !== modelName) {
    throw new ApiError(404, `The model \`${request.model}\` does not exist.`, "model");
  }
  const prompts = request.prompts.map((prompt) => tokenizePrompt(prompt, engine));
  for (const { ids } of prompts) {
    if (ids.length + request.maxTokens > maxModelLen) {
      throw new ApiError(
        400,
        `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${ids.length + request.maxTokens} tokens ` +
          `(${ids.length} in the messages, ${request.maxTokens} in the completion). Please reduce the length of the messages or completion.`,
      );
    }
  }
  // An echo-only request generates one token that the response then drops.
  const maxTokens = request.echo && request.maxTokens === 0 ? 1 : request.maxTokens;
  checkSamplingParams(request, maxTokens, engine.vocabSize);
  if (prompts.some(({ ids }) => ids.length === 0)) throw new ApiError(400, "The decoder prompt cannot be empty");

  const choices: GeneratedChoice[] = [];
  for (const prompt of prompts) {
    const scored = request.echo && request.logprobs !== null ? await engine.scorePrompt(prompt.ids, request.logprobs) : [];
    for (let sampleIndex = 0; sampleIndex < request.n; sampleIndex += 1) {
      const params: GenerationParams = {
        maxTokens,
        temperature: request.temperature,
        topP: request.topP,
        topK: request.topK,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        sampleIndex,
        stop: request.stop,
        logprobs: request.logprobs,
      };
      choices.push({ index: choices.length, sampleIndex, prompt, scored, result: await engine.generate(prompt.ids, params) });
    }
  }
  return choices;
}

/**
 * Usage summed as vLLM does: each prompt once, every choice's tokens.
 *
 * @example
 * sumUsage(await generateChoices(request, served)); // { prompt_tokens: 5, total_tokens: 21, completion_tokens: 16 }
 */
export function sumUsage(choices: readonly GeneratedChoice[]): CompletionUsage {
  let promptTokens = 0;
  let completionTokens = 0;
  for (const { sampleIndex, prompt, result } of choices) {
    if (sampleIndex === 0) promptTokens += prompt.ids.length;
    completionTokens += result.tokens.length;
  }
  return { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens };
}

function describeChoice(
  request: CompletionRequest,
  choice: GeneratedChoice,
  engine: CompletionEngine,
): CompletionResponse["choices"][number] {
  const { prompt, scored, result } = choice;
  const echoOnly = request.echo && request.maxTokens === 0;
  const promptEntries = request.echo ? describePromptEntries(prompt.ids, scored, engine) : [];
  const generatedEntries = echoOnly ? [] : result.tokens.map(describeGeneratedEntry);
  return {
    index: choice.index,
    text: echoOnly ? prompt.text : request.echo ? prompt.text + result.text : result.text,
    logprobs: request.logprobs === null ? null : formatLogprobs([...promptEntries, ...generatedEntries]),
    finish_reason: result.finishReason,
    stop_reason: result.stopReason,
  };
}

/**
 * Answers a non-streaming completions request: choice `index` is
 * promptIndex * n + j and usage sums over every prompt and choice, as in vLLM.
 *
 * @example
 * const response = await createCompletion(parseCompletionRequest(body), { engine, modelName: "gpt2", maxModelLen: 1024 });
 */
export async function createCompletion(request: CompletionRequest, served: ServedModel): Promise<CompletionResponse> {
  const choices = await generateChoices(request, served);
  return {
    id: `cmpl-${randomBytes(16).toString("hex")}`,
    object: "text_completion",
    created: Math.floor(Date.now() / 1000),
    model: served.modelName,
    choices: choices.map((choice) => describeChoice(request, choice, served.engine)),
    usage: sumUsage(choices),
  };
}
