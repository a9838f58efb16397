import type { CompletionChoice, CompletionLogprobs, CompletionOptions, CompletionRequest, CompletionResult } from "../completion";
import { postCompletion, type CompletionTarget } from "./post-completion";
import { streamCompletion } from "./stream-completion";
import type { CompletionChoice as WireChoice, CompletionResponse } from "./wire";

/**
 * `InferenceBackend.complete` on an OpenAI-compatible server: the request
 * goes through as the server's own API (echo, logprobs, n and token-id
 * prompts are its business), whole or streamed; with `onDelta`, each
 * chunk's pieces are passed on as they arrive, and a server that answers a
 * stream request whole (vLLM does for n != best_of) is passed on at the end.
 *
 * @example
 * const result = await completeOnServer(target, "gpt2", { prompts: ["Hi"], maxTokens: 4, temperature: 0, n: 1, echo: false });
 */
export async function completeOnServer(
  target: CompletionTarget,
  model: string,
  request: CompletionRequest,
  options: CompletionOptions = {},
): Promise<CompletionResult> {
  const body = buildCompletionBody(model, request);
  const { onDelta, signal } = options;
  if (!onDelta) return toResult(await postCompletion(target, body, signal));
  let streamed = false;
  const response = await streamCompletion(target, body, signal, (chunk) => {
    streamed = true;
    for (const choice of chunk.choices) onDelta(toChoice(choice));
  });
  const result = toResult(response);
  if (!streamed) for (const choice of result.choices) onDelta(choice);
  return result;
}

function buildCompletionBody(model: string, request: CompletionRequest): Record<string, unknown> {
  return {
    model,
    prompt: request.prompts.length === 1 ? request.prompts[0] : request.prompts,
    max_tokens: request.maxTokens,
    temperature: request.temperature,
    n: request.n,
    echo: request.echo,
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.topK !== undefined ? { top_k: request.topK } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.logprobs !== undefined ? { logprobs: request.logprobs } : {}),
  };
}

function toResult(response: CompletionResponse): CompletionResult {
  const choices = [...response.choices].sort((a, b) => a.index - b.index).map(toChoice);
  return {
    choices,
    usage: { promptTokens: response.usage?.prompt_tokens ?? 0, completionTokens: response.usage?.completion_tokens ?? 0 },
  };
}

function toChoice(choice: WireChoice): CompletionChoice {
  const finish = choice.finish_reason;
  return {
    index: choice.index,
    text: choice.text,
    finishReason: finish === "length" ? "length" : finish ? "stop" : null,
    ...(choice.logprobs ? { logprobs: toLogprobs(choice.logprobs) } : {}),
  };
}

function toLogprobs(logprobs: NonNullable<WireChoice["logprobs"]>): CompletionLogprobs {
  return {
    tokens: logprobs.tokens,
    tokenLogprobs: logprobs.token_logprobs,
    topLogprobs: logprobs.top_logprobs ?? logprobs.tokens.map(() => null),
    textOffset: logprobs.text_offset,
  };
}
