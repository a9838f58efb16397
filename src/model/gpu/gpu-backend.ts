import { BackendError } from "../../errors";
import type { GpuSettings } from "../../env";
import type { Decoding, Generation, InferenceBackend, ScoreRequest, ScoredContinuation } from "../backend";
import { END_OF_TEXT } from "../tokenizer";
import { alignContinuation } from "./align-logprobs";
import { createCoalescer } from "./coalesce";
import { postCompletion, type CompletionTarget } from "./post-completion";
import { streamCompletion } from "./stream-completion";
import { buildGenerateBody, buildScoreBody, type CompletionChoice, type CompletionResponse } from "./wire";

/** Options beyond the server's settings. */
export interface GpuBackendOptions {
  /**
   * Group concurrent calls with the same decoding into prompt-array requests
   * of at most this many prompts (sync batches); such calls do not stream.
   */
  coalesce?: number;
  /**
   * Shared by every backend serving one Worker invocation: HTTP calls left
   * before the Workers subrequest limit; when spent, calls fail fast (503).
   */
  subrequests?: { remaining: number; limit: number };
}

/**
 * A backend on any OpenAI-compatible completions server: vLLM first, also
 * TGI's and llama.cpp's OpenAI modes. Generations stream unless
 * `settings.stream` is false (a cut stream is an error, never a shorter
 * answer); scoring never streams. `fetch` is injected so tests and other
 * runtimes can supply their own.
 *
 * @example
 * const gpu = createGpuBackend({ baseUrl: "http://127.0.0.1:8000", model: "gpt2", timeoutMs: 30000, contextTokens: 1024 });
 * const { text } = await gpu.generate("Q: Who wrote Hamlet?\nA:", { strategy: "greedy", maxTokens: 16, stop: ["\n"] });
 */
export function createGpuBackend(
  settings: GpuSettings,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  id = "gpu",
  options: GpuBackendOptions = {},
): InferenceBackend {
  const target: CompletionTarget = {
    backendId: id,
    url: `${settings.baseUrl}/v1/completions`,
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    fetch: fetchImpl,
  };

  function spendSubrequest(): void {
    const budget = options.subrequests;
    if (!budget) return;
    if (budget.remaining <= 0) {
      throw new BackendError("backend_unavailable", id, `the subrequest budget of ${budget.limit} for this request is spent`, {
        retryable: false,
      });
    }
    budget.remaining -= 1;
  }

  async function scorePairs(pairs: ScoreRequest[], signal?: AbortSignal): Promise<ScoredContinuation[]> {
    const prompts = pairs.map((pair) => pair.context + pair.continuation);
    spendSubrequest();
    const response = await postCompletion(target, buildScoreBody(settings.model, prompts), signal);
    const choices = orderedChoices(response, pairs.length);
    return pairs.map((pair, index) => {
      try {
        return alignContinuation(choices[index] as CompletionChoice, pair.context, pair.continuation);
      } catch (error) {
        throw new BackendError("backend_error", id, `malformed response: ${(error as Error).message}`, { retryable: true });
      }
    });
  }

  function orderedChoices(response: CompletionResponse, expected: number): CompletionChoice[] {
    const choices = [...response.choices].sort((a, b) => a.index - b.index);
    if (choices.length !== expected) {
      throw new BackendError("backend_error", id, `malformed response: ${choices.length} choices for ${expected} prompts`, {
        retryable: true,
      });
    }
    return choices;
  }

  const limit = options.coalesce ?? 0;
  const groupedGenerate = createCoalescer<{ prompt: string; decoding: Decoding }, CompletionChoice>(async (_key, items) => {
    const decoding = (items[0] as { decoding: Decoding }).decoding;
    const body = buildGenerateBody(settings.model, items.map((item) => item.prompt), decoding);
    spendSubrequest();
    return orderedChoices(await postCompletion(target, body), items.length);
  }, Math.max(limit, 1));
  const groupedScore = createCoalescer<ScoreRequest[], ScoredContinuation[]>(async (_key, groups) => {
    const scored = await scorePairs(groups.flat());
    let at = 0;
    return groups.map((group) => scored.slice(at, (at += group.length)));
  }, Math.max(limit, 1));

  return {
    id,
    kind: "gpu",
    model: settings.model,
    contextTokens: settings.contextTokens,

    async generate(prompt, decoding, signal): Promise<Generation> {
      if (limit > 0) {
        // Usage is summed over the group, so each member's is left to the caller's tokenizer.
        const choice = await abortable(groupedGenerate(JSON.stringify(decoding), { prompt, decoding }), signal);
        return toGeneration(choice, decoding, undefined);
      }
      const body = buildGenerateBody(settings.model, prompt, decoding);
      spendSubrequest();
      const response =
        settings.stream === false ? await postCompletion(target, body, signal) : await streamCompletion(target, body, signal);
      return toGeneration(response.choices[0] as CompletionChoice, decoding, response.usage ?? undefined);
    },

    async score(requests, signal): Promise<ScoredContinuation[]> {
      const pairs = requests.map(withContext);
      return limit > 0 ? abortable(groupedScore("score", pairs), signal) : scorePairs(pairs, signal);
    },

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

/** A grouped call serves many callers, so one caller's abort releases that caller only. */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    }),
  ]);
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
