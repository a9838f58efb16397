/**
 * What the completions server needs from a model. The HTTP layer
 * (`server.ts`) speaks vLLM's wire format and never looks inside the engine,
 * so a deterministic stub and a real ONNX GPT-2 can sit behind the same API.
 */

/** Below this temperature vLLM samples greedily (its `_SAMPLING_EPS`). */
export const GREEDY_TEMPERATURE = 1e-5;

/** Sampling settings for one sequence, already validated by the server. */
export interface GenerationParams {
  /** Generated tokens at most, >= 1. */
  maxTokens: number;
  /** Below GREEDY_TEMPERATURE means greedy, as in vLLM. */
  temperature: number;
  topP: number;
  /** 0 = disabled. */
  topK: number;
  seed?: number;
  /** Which of the request's `n` sequences this is; seeded sampling differs per sequence. */
  sampleIndex: number;
  /** Stop strings; the first one seen ends generation and is cut from the text. */
  stop: readonly string[];
  /** Alternatives wanted per generated position (vLLM `logprobs`), or null for none. */
  logprobs: number | null;
}

/** One generated token as vLLM reports it in `logprobs`. */
export interface GeneratedToken {
  id: number;
  /** The token on its own, as `tokenText` gives it. */
  text: string;
  logprob: number;
  /** Token text -> logprob; the chosen token first. Present when `logprobs` was asked. */
  top?: Record<string, number>;
}

/** Why generation ended, in vLLM's terms. */
export type FinishReason = "stop" | "length";

/** A finished sequence. */
export interface GenerationResult {
  /** Every generated token, including an end-of-text token and the tokens of a stop string. */
  tokens: GeneratedToken[];
  /** Generated text with stop strings and end-of-text removed, as vLLM returns it. */
  text: string;
  finishReason: FinishReason;
  /** The stop string that ended generation, else null (also for end-of-text). */
  stopReason: string | null;
}

/** Log-probability of one prompt token given the tokens before it. */
export interface ScoredToken {
  logprob: number;
  /** Token text -> logprob; the prompt token first. Present when alternatives were asked. */
  top?: Record<string, number>;
}

/**
 * A text model behind the completions server.
 *
 * @example
 * const engine: CompletionEngine = createScriptedEngine();
 * const ids = engine.tokenize("The cat");
 * const result = await engine.generate(ids, { maxTokens: 4, temperature: 0, topP: 1, topK: 0, sampleIndex: 0, stop: [], logprobs: null });
 */
export interface CompletionEngine {
  /** Number of token ids; ids at or above it are out of vocabulary. */
  readonly vocabSize: number;
  tokenize(text: string): number[];
  detokenize(ids: readonly number[]): string;
  /** One token decoded on its own, the string vLLM puts in `logprobs.tokens`. */
  tokenText(id: number): string;
  generate(promptIds: readonly number[], params: GenerationParams): Promise<GenerationResult>;
  /**
   * Scores every prompt token against the ones before it (one pass, as a real
   * model would do it); entry 0 is null because the first token has no context.
   */
  scorePrompt(promptIds: readonly number[], alternatives: number | null): Promise<Array<ScoredToken | null>>;
}
