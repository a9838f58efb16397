/**
 * An OpenAI-style completion request in the model layer's terms: what
 * `POST /v1/completions` asks of a backend, whichever kind serves it.
 *
 * @example
 * const request: CompletionRequest = { prompts: ["Once upon a time"], maxTokens: 16, temperature: 0, n: 1, echo: false };
 */
export interface CompletionRequest {
  /** Text, or token ids, one entry per prompt. */
  prompts: Array<string | number[]>;
  maxTokens: number;
  /** 0 is greedy. */
  temperature: number;
  topP?: number;
  /** Off when absent. */
  topK?: number;
  /** Sequences per prompt; the i-th seeded sequence uses `seed + i`, as vLLM does. */
  n: number;
  stop?: string[];
  seed?: number;
  /** Return the prompt before the completion (and its logprobs, when asked). */
  echo: boolean;
  /** Alternatives per position (0 = the chosen token's logprob only). */
  logprobs?: number;
}

/** OpenAI's legacy logprobs lists; the first prompt token of an echo has none. */
export interface CompletionLogprobs {
  tokens: string[];
  tokenLogprobs: Array<number | null>;
  topLogprobs: Array<Record<string, number> | null>;
  textOffset: number[];
}

/** One sequence: `index` is prompt index × n + sample index. */
export interface CompletionChoice {
  index: number;
  text: string;
  /** Null until the sequence ends (streamed pieces). */
  finishReason: "stop" | "length" | null;
  logprobs?: CompletionLogprobs;
}

/** A whole answer. */
export interface CompletionResult {
  choices: CompletionChoice[];
  usage: { promptTokens: number; completionTokens: number };
}

/** What a streaming call reports as it goes: a piece of one choice. */
export type CompletionDelta = CompletionChoice;

/**
 * How a completion is run: cancelled by `signal`; when `onDelta` is given
 * the backend streams, reporting each piece as soon as it has it.
 *
 * @example
 * await backend.complete?.(request, { signal, onDelta: (delta) => write(delta) });
 */
export interface CompletionOptions {
  signal?: AbortSignal;
  onDelta?: (delta: CompletionDelta) => void;
}
