import { APICallError } from "../api-call-error";
import type { Decoding, Generation, InferenceBackend, ScoreRequest, ScoredContinuation } from "../backend";
import { END_OF_TEXT } from "../tokenizer";
import { alignContinuation } from "./align-logprobs";
import { completeOnServer } from "./gpu-complete";
import { postCompletion, type CompletionTarget } from "./post-completion";
import { streamCompletion } from "./stream-completion";
import { buildGenerateBody, buildScoreBody, type CompletionChoice, type CompletionResponse } from "./wire";

/** One OpenAI-compatible GPU server (`GPU_BASE_URL` shorthand or a `GPU_BACKENDS` entry). */
export interface GpuSettings {
  /** `gpu` for the shorthand, `gpu:<name>` for GPU_BACKENDS entries. */
  id: string;
  /** Share of traffic among the GPU servers (weighted choice). */
  weight: number;
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  contextTokens: number;
  /**
   * Ask for generations as a stream (`stream: true`) and assemble them; default false. A
   * client that wants the whole answer gains nothing from it, and in workerd every chunk
   * of a stream is a round trip through the runtime (measured by npm run bench:router).
   */
  stream?: boolean;
}

/**
 * A backend on any OpenAI-compatible completions server: vLLM first, also
 * TGI's and llama.cpp's OpenAI modes. Generations stream when
 * `settings.stream` is true (a cut stream is an error, never a shorter
 * answer); scoring never streams; `generateMany` sends one prompt array.
 * Every call is one HTTP request (one Workers subrequest). `fetch` is
 * injected so tests and other runtimes can supply their own.
 *
 * @example
 * const gpu = createGpuBackend({ id: "gpu", weight: 1, baseUrl: "http://127.0.0.1:8000", model: "gpt2", timeoutMs: 30000, contextTokens: 1024 });
 * const { text } = await gpu.generate("Q: Who wrote Hamlet?\nA:", { strategy: "greedy", maxTokens: 16, stop: ["\n"] });
 */
export function createGpuBackend(settings: GpuSettings, fetchImpl: typeof fetch = (input, init) => fetch(input, init)): InferenceBackend {
  const { id } = settings;
  const target: CompletionTarget = {
    backendId: id,
    url: `${settings.baseUrl}/v1/completions`,
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    fetch: fetchImpl,
  };
  const malformed = (message: string, cause?: unknown) =>
    new APICallError({
      backend: id,
      failure: "malformed",
      message: `malformed response: ${message}`,
      url: target.url,
      isRetryable: true,
      cause,
    });

  function orderedChoices(response: CompletionResponse, expected: number): CompletionChoice[] {
    const choices = [...response.choices].sort((a, b) => a.index - b.index);
    if (choices.length !== expected) throw malformed(`${choices.length} choices for ${expected} prompts`);
    return choices;
  }

  return {
    id,
    kind: "gpu",
    model: settings.model,
    contextTokens: settings.contextTokens,
    weight: settings.weight,
    subrequestsPerCall: 1,

    async generate(prompt, decoding, signal): Promise<Generation> {
      const body = buildGenerateBody(settings.model, prompt, decoding);
      const response = settings.stream === true ? await streamCompletion(target, body, signal) : await postCompletion(target, body, signal);
      return toGeneration(response.choices[0] as CompletionChoice, decoding, response.usage ?? undefined);
    },

    async generateMany(prompts, decoding, signal): Promise<Generation[]> {
      const response = await postCompletion(target, buildGenerateBody(settings.model, prompts, decoding), signal);
      // Usage is summed over the prompts, so each one's is left to the caller's tokenizer.
      return orderedChoices(response, prompts.length).map((choice) => toGeneration(choice, decoding, undefined));
    },

    async score(requests, signal): Promise<ScoredContinuation[]> {
      const pairs = requests.map(withContext);
      const response = await postCompletion(
        target,
        buildScoreBody(
          settings.model,
          pairs.map((pair) => pair.context + pair.continuation),
        ),
        signal,
      );
      const choices = orderedChoices(response, pairs.length);
      return pairs.map((pair, index) => {
        try {
          return alignContinuation(choices[index] as CompletionChoice, pair.context, pair.continuation);
        } catch (error) {
          throw malformed((error as Error).message, error);
        }
      });
    },

    complete: (request, options) => completeOnServer(target, settings.model, request, options),

    async health(signal) {
      try {
        const response = await fetchImpl(`${settings.baseUrl}/health`, {
          signal: signal ?? AbortSignal.timeout(Math.min(settings.timeoutMs, 5000)),
        });
        await response.body?.cancel();
        return response.ok ? { ok: true } : { ok: false, detail: `HTTP ${response.status}` };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },
  };
}

function toGeneration(choice: CompletionChoice, decoding: Decoding, usage: CompletionResponse["usage"]): Generation {
  const topLogprobs = !decoding.topLogprobs
    ? undefined
    : choice.logprobs?.top_logprobs?.map((entry) =>
        Object.entries(entry ?? {})
          .map(([token, logprob]) => ({ token, logprob }))
          .sort((a, b) => b.logprob - a.logprob),
      );
  return {
    text: choice.text,
    finishReason: choice.finish_reason === "length" ? "length" : "stop",
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? choice.logprobs?.tokens.length ?? 0,
    ...(topLogprobs ? { topLogprobs } : {}),
    ...(choice.logprobs ? { tokenLogprobs: choice.logprobs.token_logprobs.map((value) => value ?? 0) } : {}),
  };
}

/** The first prompt token never gets a logprob, so an empty context is the end-of-text token. */
function withContext(request: ScoreRequest): ScoreRequest {
  return request.context.length > 0 ? request : { context: END_OF_TEXT, continuation: request.continuation };
}
