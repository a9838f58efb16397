import { z } from "@hono/zod-openapi";
import type { CompletionChoice, CompletionLogprobs, CompletionRequest, CompletionResult } from "../model/completion";
import { GPT2_VOCAB_SIZE } from "../model/tokenizer";

// Checked here, not left to a backend: vLLM answers an empty prompt or an unknown id with a 400 that
// would reach the client as the backend's 502 (which OpenAI's clients retry), and the edge model throws.
// The router is built for the GPT-2 family, whose models all have its vocabulary (its tokenizer too).
const promptText = z.string().min(1, "must not be empty");
const tokenIds = z
  .array(
    z
      .int()
      .min(0)
      .max(GPT2_VOCAB_SIZE - 1, `must be a GPT-2 token id (0 to ${GPT2_VOCAB_SIZE - 1})`),
  )
  .min(1);

/**
 * `POST /v1/completions` as OpenAI and vLLM define it. Fields the router
 * cannot honour are refused (422), not ignored; OpenAI's penalties and
 * `best_of` are accepted at their neutral values, which clients send.
 *
 * @example
 * completionRequestSchema.parse({ model: "gpt2", prompt: "Once upon a time", max_tokens: 16 });
 */
export const completionRequestSchema = z
  .object({
    model: z.string().min(1).openapi({ example: "gpt2" }),
    prompt: z
      .union([promptText, z.array(promptText).min(1), tokenIds, z.array(tokenIds).min(1)], {
        error: "must be a non-empty string, a list of them, or GPT-2 token ids (one list or several)",
      })
      .openapi({ example: "Once upon a time" }),
    max_tokens: z.int().min(1).max(4096).default(16),
    temperature: z.number().min(0).max(2).default(1),
    top_p: z.number().gt(0).max(1).optional(),
    top_k: z.int().min(-1).optional().openapi({ description: "vLLM's extension; -1 or absent is off." }),
    n: z.int().min(1).max(16).default(1),
    best_of: z.int().min(1).optional(),
    stop: z
      .union([z.string().min(1), z.array(z.string().min(1)).max(4)])
      .nullable()
      .optional(),
    seed: z.int().nullable().optional(),
    echo: z.boolean().default(false),
    logprobs: z.int().min(0).max(20).nullable().optional(),
    stream: z.boolean().default(false),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
    frequency_penalty: z.literal(0).nullable().optional(),
    presence_penalty: z.literal(0).nullable().optional(),
    suffix: z.null().optional(),
    user: z.string().optional(),
  })
  .strict()
  .refine((body) => body.best_of === undefined || body.best_of === body.n, {
    path: ["best_of"],
    message: "best_of other than n is not supported",
  })
  .openapi("CompletionRequest");

export type CompletionRequestBody = z.infer<typeof completionRequestSchema>;

/**
 * The model layer's request from the wire's: prompts as a list, stop as a list, -1 top-k as off.
 *
 * @example
 * toCompletionRequest(completionRequestSchema.parse({ model: "gpt2", prompt: "Hi", stop: "\n" })).stop; // ["\n"]
 */
export function toCompletionRequest(body: CompletionRequestBody): CompletionRequest {
  const { prompt } = body;
  const prompts: CompletionRequest["prompts"] =
    typeof prompt === "string" ? [prompt] : typeof prompt[0] === "number" ? [prompt as number[]] : (prompt as Array<string | number[]>);
  return {
    prompts,
    maxTokens: body.max_tokens,
    temperature: body.temperature,
    n: body.n,
    echo: body.echo,
    ...(body.top_p !== undefined ? { topP: body.top_p } : {}),
    ...(body.top_k !== undefined && body.top_k > 0 ? { topK: body.top_k } : {}),
    ...(body.stop ? { stop: typeof body.stop === "string" ? [body.stop] : body.stop } : {}),
    ...(body.seed !== undefined && body.seed !== null ? { seed: body.seed } : {}),
    ...(body.logprobs !== undefined && body.logprobs !== null ? { logprobs: body.logprobs } : {}),
  };
}

/** What every response and chunk of one request shares. */
export interface CompletionEnvelope {
  id: string;
  created: number;
  model: string;
}

/**
 * The whole `text_completion` object, in OpenAI's exact shape.
 *
 * @example
 * formatCompletion(envelope, result); // { id: "cmpl-…", object: "text_completion", created, model, choices, usage }
 */
export function formatCompletion(envelope: CompletionEnvelope, result: CompletionResult) {
  return { ...formatEnvelope(envelope), choices: result.choices.map(formatChoice), usage: formatUsage(result) };
}

/**
 * One streamed chunk: a piece of one choice.
 *
 * @example
 * formatChunk(envelope, { index: 0, text: " Paris", finishReason: null });
 */
export function formatChunk(envelope: CompletionEnvelope, delta: CompletionChoice) {
  return { ...formatEnvelope(envelope), choices: [formatChoice(delta)] };
}

/**
 * The last chunk before `[DONE]` when `stream_options.include_usage` asked for it.
 *
 * @example
 * formatUsageChunk(envelope, result); // { ..., choices: [], usage: { prompt_tokens, completion_tokens, total_tokens } }
 */
export function formatUsageChunk(envelope: CompletionEnvelope, result: CompletionResult) {
  return { ...formatEnvelope(envelope), choices: [], usage: formatUsage(result) };
}

function formatEnvelope(envelope: CompletionEnvelope) {
  return { id: envelope.id, object: "text_completion" as const, created: envelope.created, model: envelope.model };
}

function formatChoice(choice: CompletionChoice) {
  return {
    index: choice.index,
    text: choice.text,
    logprobs: choice.logprobs ? formatLogprobs(choice.logprobs) : null,
    finish_reason: choice.finishReason,
  };
}

function formatLogprobs(logprobs: CompletionLogprobs) {
  return {
    tokens: logprobs.tokens,
    token_logprobs: logprobs.tokenLogprobs,
    top_logprobs: logprobs.topLogprobs,
    text_offset: logprobs.textOffset,
  };
}

function formatUsage(result: CompletionResult) {
  const { promptTokens, completionTokens } = result.usage;
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}
