import { z } from "zod";
import type { Decoding } from "../backend";

const logprobsSchema = z.object({
  tokens: z.array(z.string()),
  token_logprobs: z.array(z.number().nullable()),
  text_offset: z.array(z.number().int()),
  top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullable().optional(),
});

const usageSchema = z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int().optional() });

const choiceSchema = z.object({
  index: z.number().int().nonnegative(),
  text: z.string(),
  finish_reason: z.string().nullable().optional(),
  logprobs: logprobsSchema.nullable().optional(),
});

/** The subset of vLLM's `/v1/completions` response the router reads. */
export const completionResponseSchema = z.object({
  choices: z.array(choiceSchema).min(1),
  usage: usageSchema.nullable().optional(),
});

/**
 * One `data:` event of a streamed response: a text delta per choice, or only
 * usage (vLLM's last event with `stream_options.include_usage`; TGI and
 * llama.cpp put usage on the finishing chunk). TGI sends `finish_reason: ""`
 * until the end, so only a non-empty reason finishes a choice.
 */
export const completionChunkSchema = z.object({
  choices: z.array(choiceSchema),
  usage: usageSchema.nullable().optional(),
});

export type CompletionResponse = z.infer<typeof completionResponseSchema>;

/**
 * The common answer (no logprobs) checked without zod, which runs without its
 * compiled fast path in workerd (no `eval`) and was the largest part of the
 * router's own time on an answer request (npm run bench:router -- --profile).
 * Anything else, and every malformed body, goes through the schema.
 *
 * @example
 * readPlainCompletion({ choices: [{ index: 0, text: " hi", finish_reason: "stop" }] }); // the same object
 */
export function readPlainCompletion(json: unknown): CompletionResponse | undefined {
  const { choices, usage } = (json ?? {}) as { choices?: unknown; usage?: unknown };
  if (!Array.isArray(choices) || choices.length === 0 || !choices.every(isPlainChoice)) return undefined;
  if (usage !== undefined && usage !== null && !isUsage(usage)) return undefined;
  return json as CompletionResponse;
}

function isPlainChoice(choice: unknown): boolean {
  const { index, text, finish_reason: finish, logprobs } = (choice ?? {}) as Record<string, unknown>;
  return (
    Number.isInteger(index) &&
    (index as number) >= 0 &&
    typeof text === "string" &&
    (finish === undefined || finish === null || typeof finish === "string") &&
    (logprobs === undefined || logprobs === null)
  );
}

function isUsage(usage: unknown): boolean {
  const { prompt_tokens: prompt, completion_tokens: completion } = usage as Record<string, unknown>;
  return Number.isInteger(prompt) && (completion === undefined || Number.isInteger(completion));
}
export type CompletionChoice = CompletionResponse["choices"][number];
export type CompletionChunk = z.infer<typeof completionChunkSchema>;

/**
 * The request body for a generation. Greedy is temperature 0 (vLLM then
 * ignores top-k/top-p); `top_k` is vLLM's extension field, also read by TGI's
 * and llama.cpp's OpenAI modes.
 *
 * @example
 * buildGenerateBody("gpt2", "Q: x\nA:", { strategy: "greedy", maxTokens: 8 });
 * // { model: "gpt2", prompt: "Q: x\nA:", max_tokens: 8, temperature: 0, n: 1 }
 */
export function buildGenerateBody(model: string, prompt: string | string[], decoding: Decoding): Record<string, unknown> {
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
    ...(decoding.topLogprobs !== undefined || decoding.tokenLogprobs ? { logprobs: decoding.topLogprobs ?? 1 } : {}),
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
