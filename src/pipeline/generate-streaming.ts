import type { Decoding, Generation, InferenceBackend } from "../model/backend";
import type { CompletionRequest } from "../model/completion";

/**
 * A generation through the backend's streaming completions call, passing
 * each piece of text to `onText` as it arrives and returning the same
 * `Generation` a plain `generate` would have (vLLM's stop rule on both
 * backends, so the pieces join into exactly `text`).
 *
 * @example
 * const generation = await generateStreaming(backend, "Once upon a time", { strategy: "sample", topK: 40, maxTokens: 64 }, signal, write);
 */
export async function generateStreaming(
  backend: InferenceBackend,
  prompt: string,
  decoding: Decoding,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<Generation> {
  if (!backend.complete) return backend.generate(prompt, decoding, signal);
  const result = await backend.complete(toCompletionRequest(prompt, decoding), {
    signal,
    onDelta: (delta) => {
      if (delta.text.length > 0) onText(delta.text);
    },
  });
  const choice = result.choices[0];
  const logprobs = choice?.logprobs;
  return {
    text: choice?.text ?? "",
    finishReason: choice?.finishReason === "length" ? "length" : "stop",
    promptTokens: result.usage.promptTokens,
    completionTokens: result.usage.completionTokens,
    ...(logprobs ? { tokenLogprobs: logprobs.tokenLogprobs.map((value) => value ?? 0) } : {}),
    ...(logprobs && decoding.topLogprobs
      ? {
          topLogprobs: logprobs.topLogprobs.map((entry) =>
            Object.entries(entry ?? {})
              .map(([token, logprob]) => ({ token, logprob }))
              .sort((a, b) => b.logprob - a.logprob),
          ),
        }
      : {}),
  };
}

function toCompletionRequest(prompt: string, decoding: Decoding): CompletionRequest {
  const wantsLogprobs = decoding.tokenLogprobs || decoding.topLogprobs !== undefined;
  return {
    prompts: [prompt],
    maxTokens: decoding.maxTokens,
    temperature: decoding.strategy === "greedy" ? 0 : (decoding.temperature ?? 1),
    n: 1,
    echo: false,
    ...(decoding.strategy === "sample" && decoding.topK !== undefined ? { topK: decoding.topK } : {}),
    ...(decoding.strategy === "sample" && decoding.topP !== undefined ? { topP: decoding.topP } : {}),
    ...(decoding.stop?.length ? { stop: decoding.stop } : {}),
    ...(decoding.seed !== undefined ? { seed: decoding.seed } : {}),
    ...(wantsLogprobs ? { logprobs: decoding.topLogprobs ?? 0 } : {}),
  };
}
