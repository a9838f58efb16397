/**
 * The contract every inference backend implements (edge ONNX, remote GPU).
 * Routing, the pipeline and batching only ever see this shape.
 */

import type { CompletionOptions, CompletionRequest, CompletionResult } from "./completion";

/** Which family a backend belongs to; routing may prefer one, never branch on it. */
export type BackendKind = "edge" | "gpu";

/**
 * How to pick the next token.
 *
 * @example
 * const summaryDecoding: Decoding = { strategy: "sample", topK: 2, maxTokens: 100 };
 */
export interface Decoding {
  strategy: "greedy" | "sample";
  maxTokens: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  /** Also return the N most likely alternatives at each generated position. */
  topLogprobs?: number;
  /** Also return the log-probability of each generated token (confidence for escalation). */
  tokenLogprobs?: boolean;
}

/** Why generation ended. */
export type FinishReason = "stop" | "length";

/** One completed generation. */
export interface Generation {
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
  /** Alternatives per generated position, most likely first, when `topLogprobs` was asked. */
  topLogprobs?: Array<Array<{ token: string; logprob: number }>>;
  /** Log-probability of each generated token, when `tokenLogprobs` or `topLogprobs` was asked. */
  tokenLogprobs?: number[];
}

/** A continuation to score after a context; both are plain text. */
export interface ScoreRequest {
  context: string;
  continuation: string;
}

/** Log-probabilities of the continuation's tokens given the context. */
export interface ScoredContinuation {
  tokens: string[];
  logprobs: number[];
  /** Sum of `logprobs`. */
  logprob: number;
  /** Tokens of context plus continuation. */
  promptTokens: number;
}

/** A backend's own view of whether it can serve. */
export interface BackendHealth {
  ok: boolean;
  detail?: string;
  /** The edge model's memory as loaded: file, ORT's wasm memory, budget (MiB) and the context that fits. */
  memory?: { model_mb: number; wasm_mb?: number; budget_mb: number; context_tokens: number; peak_step_js_mb: number };
}

/**
 * A model that can generate text and score continuations.
 *
 * @example
 * const backend = createGpuBackend({ id: "gpu", weight: 1, baseUrl: "http://127.0.0.1:8000", model: "gpt2", timeoutMs: 30000, contextTokens: 1024 });
 * const out = await backend.generate("Q: Who wrote Hamlet?\nA:", { strategy: "greedy", maxTokens: 8 });
 * const [scored] = await backend.score([{ context: "The cat", continuation: " sat" }]);
 */
export interface InferenceBackend {
  /** Stable id used in responses and routing plans, e.g. `gpu` or `gpu:vllm-a`. */
  readonly id: string;
  readonly kind: BackendKind;
  /** Name of the model this backend serves. */
  readonly model: string;
  /** Context window in tokens (prompt plus generated). */
  readonly contextTokens: number;
  /** Share of traffic among backends of its kind (weighted choice). */
  readonly weight: number;
  /** Workers subrequests one call makes (an HTTP backend 1, the in-Worker model 0). */
  readonly subrequestsPerCall: number;
  generate(prompt: string, decoding: Decoding, signal?: AbortSignal): Promise<Generation>;
  /** Several prompts with one decoding in one call (OpenAI prompt arrays), results in prompt order. */
  generateMany?(prompts: string[], decoding: Decoding, signal?: AbortSignal): Promise<Generation[]>;
  /** Scores all requests in one round trip; results are in request order. */
  score(requests: ScoreRequest[], signal?: AbortSignal): Promise<ScoredContinuation[]>;
  health(signal?: AbortSignal): Promise<BackendHealth>;
  /** The OpenAI completions API (`POST /v1/completions`): echo, logprobs, n, token-id prompts, streaming. */
  complete?(request: CompletionRequest, options?: CompletionOptions): Promise<CompletionResult>;
  /** False when the backend already knows it cannot serve (an edge model over its memory budget). */
  isAvailable?(): boolean;
  /** Most tokens (prompt + new) one request may hold, when less than the context (the edge's memory plan). */
  tokenLimit?(): number | undefined;
}
