import { z } from "zod";
import type { Decoding } from "../backend";

/** The subset of vLLM's `/v1/completions` response the router reads. */
export const completionResponseSchema = z.object({
  choices: z
    .array(
      z.object({
        index: z.number().int().nonnegative(),
        text: z.string(),
        finish_reason: z.string().nullable().optional(),
        logprobs: z
          .object({
            tokens: z.array(z.string()),
            token_logprobs: z.array(z.number().nullable()),
            text_offset: z.array(z.number().int()),
            top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullable().optional(),
          })
          .nullable()
          .optional(),
      }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int().optional() })
    .nullable()
    .optional(),
});

export type CompletionResponse = z.infer<typeof completionResponseSchema>;
export type CompletionChoice = CompletionResponse["choices"][number];

/**
 * The request body for a generation. Greedy is temperature 0 (vLLM then
 * ignores top-k/top-p); `top_k` is vLLM's extension field, also read by TGI's
 * and llama.cpp's OpenAI modes.
 *
 * @example
 * buildGenerateBody("gpt2", "Q: x\nA:", { strategy: "greedy", maxTokens: 8 });
 * // { model: "gpt2", prompt: "Q: x\nA:", max_tokens: 8, temperature: 0, n: 1 }
 */
export function buildGenerateBody(model: string, prompt: string, decoding: Decoding): Record<string, unknown> {
  const sampling =
    decoding.strategy === "greedy"
      ? { temperature: 0 }
      : {
          temperature: decoding.temperature ?? 1,
          ...(decoding.topK !== undefined ? { top_k: decoding.topK } : {}),
          ...(decoding.topP !== undefined ? { top_p: decoding.topP } : {}),
        };
  return {
    model,
    prompt,
    max_tokens: decoding.maxTokens,
    ...sampling,
    n: 1,
    ...(decoding.stop && decoding.stop.length > 0 ? { stop: decoding.stop } : {}),
    ...(decoding.seed !== undefined ? { seed: decoding.seed } : {}),
    ...(decoding.topLogprobs !== undefined ? { logprobs: decoding.topLogprobs } : {}),
  };
}

/**
 * The request body that scores prompts: echo the prompt with its token
 * logprobs and generate one token, which the caller ignores: some vLLM
 * releases and other OpenAI-compatible servers reject `max_tokens: 0`, and
 * lm-evaluation-harness does the same.
 *
 * @example
 * buildScoreBody("gpt2", ["The cat sat", "The cat ran"]);
 */
export function buildScoreBody(model: string, prompts: string[]): Record<string, unknown> {
  return { model, prompt: prompts, max_tokens: 1, temperature: 0, echo: true, logprobs: 1 };
}
