import { randomBytes } from "node:crypto";
import { ApiError } from "./api-error";
import { checkSamplingParams, type CompletionRequest, type PromptInput } from "./completion-request";
import type { CompletionEngine, GenerationParams, GenerationResult, ScoredToken } from "./engine";

/**
 * Runs a validated completions request on an engine and shapes the answer as
 * vLLM's `OpenAIServingCompletion` does (non-streaming).
 */

/** vLLM's `CompletionLogProbs`. */
export interface CompletionLogprobs {
  text_offset: number[];
  token_logprobs: Array<number | null>;
  tokens: string[];
  top_logprobs: Array<Record<string, number> | null>;
}

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

interface LogprobEntry {
  token: string;
  logprob: number | null;
  top: Record<string, number> | null;
}

// JSON has no -Infinity; vLLM clamps as OpenAI does.
const LOWEST_LOGPROB = -9999;

// vLLM's offsets are Python string lengths: code points, not UTF-16 units.
function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function formatLogprobs(entries: readonly LogprobEntry[]): CompletionLogprobs {
  const out: CompletionLogprobs = { text_offset: [], token_logprobs: [], tokens: [], top_logprobs: [] };
  let offset = 0;
  for (const { token, logprob, top } of entries) {
    out.text_offset.push(offset);
    offset += countCodePoints(token);
    out.tokens.push(token);
    out.token_logprobs.push(logprob === null ? null : Math.max(logprob, LOWEST_LOGPROB));
    out.top_logprobs.push(
      top === null ? null : Object.fromEntries(Object.entries(top).map(([text, value]) => [text, Math.max(value, LOWEST_LOGPROB)])),
    );
  }
  return out;
}

function tokenizePrompt(prompt: PromptInput, engine: CompletionEngine): { ids: number[]; text: string } {
  if (prompt.kind === "text") return { ids: engine.tokenize(prompt.text), text: prompt.text };
  const outOfVocabulary = prompt.ids.find((id) => id >= engine.vocabSize);
  if (outOfVocabulary !== undefined) throw new ApiError(400, `Token id ${outOfVocabulary} is out of vocabulary`);
  return { ids: prompt.ids, text: engine.detokenize(prompt.ids) };
}

function describeChoice(request: CompletionRequest, prompt: { ids: number[]; text: string }, scored: Array<ScoredToken | null>, result: GenerationResult, engine: CompletionEngine) {
  const echoOnly = request.echo && request.maxTokens === 0;
  const promptEntries: LogprobEntry[] = request.echo
    ? prompt.ids.map((id, index) => ({ token: engine.tokenText(id), logprob: scored[index]?.logprob ?? null, top: scored[index]?.top ?? null }))
    : [];
  const generatedEntries: LogprobEntry[] = echoOnly
    ? []
    : result.tokens.map((token) => ({ token: token.text, logprob: token.logprob, top: token.top ?? { [token.text]: token.logprob } }));
  return {
    text: echoOnly ? prompt.text : request.echo ? prompt.text + result.text : result.text,
    logprobs: request.logprobs === null ? null : formatLogprobs([...promptEntries, ...generatedEntries]),
    finish_reason: result.finishReason,
    stop_reason: result.stopReason,
  };
}

/**
 * Answers a completions request: choice `index` is promptIndex * n + j and
 * usage sums over every prompt and choice, as in vLLM.
 *
 * @example
 * const response = await createCompletion(parseCompletionRequest(body), { engine, modelName: "gpt2", maxModelLen: 1024 });
 */
export async function createCompletion(request: CompletionRequest, served: ServedModel): Promise<CompletionResponse> {
  const { engine, modelName, maxModelLen } = served;
  if (request.model !== null && request.model !== modelName) {
    throw new ApiError(404, `The model \`${request.model}\` does not exist.`, "model");
  }
  if (request.stream) throw new ApiError(400, "streaming not supported by this stub", "stream");
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

  const choices: CompletionResponse["choices"] = [];
  let promptTokens = 0;
  let completionTokens = 0;
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
      const result = await engine.generate(prompt.ids, params);
      choices.push({ index: choices.length, ...describeChoice(request, prompt, scored, result, engine) });
      completionTokens += result.tokens.length;
    }
    promptTokens += prompt.ids.length;
  }
  return {
    id: `cmpl-${randomBytes(16).toString("hex")}`,
    object: "text_completion",
    created: Math.floor(Date.now() / 1000),
    model: modelName,
    choices,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens },
  };
}
