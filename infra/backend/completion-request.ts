import { ApiError } from "./api-error";
import { GREEDY_TEMPERATURE } from "./engine";

/**
 * Reads a `/v1/completions` body the way vLLM's request model does: field
 * types and defaults first (`parseCompletionRequest`), value ranges after
 * the prompt is tokenized (`checkSamplingParams`), in vLLM's order, so the
 * same bad request gets the same error here as there.
 */

/** One prompt, as text or as token ids. */
export type PromptInput = { kind: "text"; text: string } | { kind: "ids"; ids: number[] };

/** A completions request after type checks and defaults; ranges are not checked yet. */
export interface CompletionRequest {
  model: string | null;
  prompts: PromptInput[];
  maxTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  seed?: number;
  stop: string[];
  n: number;
  echo: boolean;
  logprobs: number | null;
  stream: boolean;
  /** vLLM's `stream_options`; usage defaults to on once the object is sent. */
  streamOptions: { includeUsage: boolean; continuousUsage: boolean } | null;
}

/** vLLM's `--max-logprobs` default. */
export const MAX_LOGPROBS = 20;

type Body = Record<string, unknown>;

function invalid(field: string, expected: string): ApiError {
  return new ApiError(400, `${field}: Input should be ${expected}`, field);
}

function readOptional<T>(body: Body, field: string, accepts: (value: unknown) => value is T, expected: string): T | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!accepts(value)) throw invalid(field, expected);
  return value;
}

const isInteger = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";
const isString = (value: unknown): value is string => typeof value === "string";
const isTokenIds = (value: unknown): value is number[] => Array.isArray(value) && value.every((id) => isInteger(id) && id >= 0);

function readPrompts(value: unknown): PromptInput[] {
  if (value === undefined || value === null || value === "") {
    throw new ApiError(400, "Either prompt or prompt_embeds must be provided and non-empty.", "prompt");
  }
  if (isString(value)) return [{ kind: "text", text: value }];
  if (isTokenIds(value)) return [{ kind: "ids", ids: value }];
  if (Array.isArray(value) && value.every(isString)) return value.map((text) => ({ kind: "text", text }));
  if (Array.isArray(value) && value.every(isTokenIds)) return value.map((ids) => ({ kind: "ids", ids }));
  throw invalid("prompt", "a string, a list of strings, a list of token ids >= 0 or a list of such lists");
}

function readStop(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (isString(value)) return [value];
  if (Array.isArray(value) && value.every(isString)) return value;
  throw invalid("stop", "a string or a list of strings");
}

/**
 * Type-checks a parsed JSON body and fills vLLM's defaults; unknown fields
 * are ignored, as vLLM does.
 *
 * @example
 * parseCompletionRequest({ model: "gpt2", prompt: "Hi" });
 * // { model: "gpt2", prompts: [{ kind: "text", text: "Hi" }], maxTokens: 16, temperature: 1, n: 1, ... }
 */
export function parseCompletionRequest(body: unknown): CompletionRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(400, "body: Input should be a valid JSON object");
  }
  const fields = body as Body;
  const streamOptions = readStreamOptions(fields);
  const logprobs = readOptional(fields, "logprobs", isInteger, "a valid integer") ?? null;
  if (logprobs !== null && logprobs < 0 && logprobs !== -1) {
    throw new ApiError(400, "`logprobs` must be a positive value or -1.", "logprobs");
  }
  const topK = readOptional(fields, "top_k", isInteger, "a valid integer") ?? 0;
  const seed = readOptional(fields, "seed", isInteger, "a valid integer");
  return {
    model: readOptional(fields, "model", isString, "a valid string") ?? null,
    prompts: readPrompts(fields.prompt),
    maxTokens: readOptional(fields, "max_tokens", isInteger, "a valid integer") ?? 16,
    temperature: readOptional(fields, "temperature", isNumber, "a valid number") ?? 1,
    topP: readOptional(fields, "top_p", isNumber, "a valid number") ?? 1,
    topK: topK === -1 ? 0 : topK,
    ...(seed !== undefined && seed !== -1 ? { seed } : {}),
    stop: readStop(fields.stop),
    n: readOptional(fields, "n", isInteger, "a valid integer") ?? 1,
    echo: readOptional(fields, "echo", isBoolean, "a valid boolean") ?? false,
    logprobs,
    stream: readOptional(fields, "stream", isBoolean, "a valid boolean") ?? false,
    streamOptions,
  };
}

// vLLM validates before field parsing, on the raw body, with Python truthiness: `{}` passes.
function readStreamOptions(fields: Body): CompletionRequest["streamOptions"] {
  const value = fields.stream_options;
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) throw invalid("stream_options", "a valid dictionary or instance of StreamOptions");
  if (Object.keys(value).length > 0 && fields.stream !== true) {
    throw new ApiError(400, "Stream options can only be defined when `stream=True`.", "stream_options");
  }
  const options = value as Body;
  const includeUsage = readOptional(options, "include_usage", isBoolean, "a valid boolean") ?? true;
  const continuous = readOptional(options, "continuous_usage_stats", isBoolean, "a valid boolean") ?? false;
  return { includeUsage, continuousUsage: includeUsage && continuous };
}

// Python prints floats with a fractional part ("-1.0"), and vLLM's messages
// come from f-strings over floats.
function formatFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/**
 * vLLM's SamplingParams and logprob checks, with its messages. `maxTokens`
 * is what will be generated: 1 for an echo-only request (`max_tokens: 0`).
 *
 * @example
 * checkSamplingParams({ ...request, maxTokens: 0 }, 0, 50257); // throws "max_tokens must be at least 1, got 0."
 */
export function checkSamplingParams(request: CompletionRequest, maxTokens: number, vocabSize: number): void {
  const { n, temperature, topP, topK, stop, logprobs } = request;
  if (n < 1) throw new ApiError(400, `n must be at least 1, got ${n}.`, "n");
  if (temperature < 0) throw new ApiError(400, `temperature must be non-negative, got ${formatFloat(temperature)}.`, "temperature");
  if (!(topP > 0 && topP <= 1)) throw new ApiError(400, `top_p must be in (0, 1], got ${formatFloat(topP)}.`, "top_p");
  if (topK < -1) throw new ApiError(400, `top_k must be 0 (disable), or at least 1, got ${topK}.`);
  if (maxTokens < 1) throw new ApiError(400, `max_tokens must be at least 1, got ${maxTokens}.`, "max_tokens");
  if (stop.some((text) => text === "")) throw new ApiError(400, "stop cannot contain an empty string.");
  if (temperature < GREEDY_TEMPERATURE && n > 1) throw new ApiError(400, `n must be 1 when using greedy sampling, got ${n}.`);
  const asked = logprobs === -1 ? vocabSize : logprobs;
  if (asked !== null && asked > MAX_LOGPROBS) {
    throw new ApiError(400, `Requested sample logprobs of ${asked}, which is greater than max allowed: ${MAX_LOGPROBS}`, "logprobs");
  }
}

/**
 * The prompt texts of a raw body, whatever its validity, for fault markers
 * and the request log; token ids are decoded and unknown ids skipped.
 *
 * @example
 * readPromptTexts({ prompt: ["a", "b"] }, engine); // ["a", "b"]
 */
export function readPromptTexts(body: unknown, engine: { vocabSize: number; detokenize(ids: readonly number[]): string }): string[] {
  const prompt = typeof body === "object" && body !== null ? (body as Body).prompt : undefined;
  const items: unknown[] = Array.isArray(prompt) && !isTokenIds(prompt) ? prompt : [prompt];
  return items.flatMap((item) => {
    if (isString(item)) return [item];
    if (!isTokenIds(item)) return [];
    return [engine.detokenize(item.filter((id) => id < engine.vocabSize))];
  });
}
