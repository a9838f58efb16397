import type { z } from "@hono/zod-openapi";
import type { Decoding, Generation, ScoreRequest, ScoredContinuation } from "../model/backend";
import type { Tokenizer } from "../model/tokenizer";

/** Every task the router serves. */
export type TaskName = "summarize" | "answer" | "translate" | "read" | "complete" | "choose" | "score" | "generate";

/** Version of the whole template set; bump when any prompt string changes. */
export const TEMPLATE_VERSION = "gpt2-paper/v1";

/** Whether a prompt format is the paper's own text or a documented reconstruction. */
export type TemplateSource = "paper" | "reconstruction";

/** What was cut to fit the context window. */
export interface Truncation {
  /** Input field that was shortened, e.g. `text`, `document`, `examples`, `history`. */
  field: string;
  /** Tokens removed from that field (examples/history: items removed). */
  dropped: number;
  unit: "tokens" | "items";
}

/** A plan to run one generation. */
export interface GeneratePlan {
  kind: "generate";
  prompt: string;
  decoding: Decoding;
  truncation: Truncation[];
}

/** A plan to score continuations, all in one backend call. */
export interface ScorePlan {
  kind: "score";
  requests: ScoreRequest[];
  truncation: Truncation[];
}

export type PromptPlan = GeneratePlan | ScorePlan;

/** What a backend returned for a plan. */
export type StepResult = { kind: "generate"; generation: Generation } | { kind: "score"; scores: ScoredContinuation[] };

/** Options a task may read beyond decoding (validated at the HTTP boundary). */
export interface TaskOptions {
  /** complete: drop stop words from the predicted last word (paper default: on). */
  stopwordFilter?: boolean;
}

/** Everything `build` and `postprocess` may look at; no I/O, clock or randomness. */
export interface BuildContext {
  tokenizer: Tokenizer;
  /** Model context window (prompt plus generated tokens). */
  contextTokens: number;
  /** Decoding already merged from task defaults and client overrides. */
  decoding: Decoding;
  options: TaskOptions;
  /** Most candidates `choose` accepts. */
  maxCandidates: number;
}

/**
 * A second backend step a task asks for after seeing the first result
 * (complete's stop-word filter re-generates after a different first token).
 */
export interface FollowUp<O> {
  followUp: PromptPlan;
  finish(result: StepResult): O;
}

/**
 * One zero-shot task: its schemas, template and the pure functions that turn
 * input into a prompt plan and a backend result into an answer.
 *
 * @example
 * const plan = summarizeTask.build({ text: "..." }, ctx);
 * const output = summarizeTask.postprocess({ kind: "generate", generation }, input, ctx);
 */
export interface TaskModule<I = unknown, O = unknown> {
  name: TaskName;
  description: string;
  template: { id: typeof TEMPLATE_VERSION; source: TemplateSource; format: string };
  input: z.ZodType<I>;
  output: z.ZodType<O>;
  example: I;
  /** The paper's decoding rule; `null` for tasks that only score. */
  decoding: Decoding | null;
  /**
   * How sure an answer is, for `options.escalate`: the mean log-probability
   * of the generated tokens, or the top candidate's probability. Tasks
   * without it are never escalated.
   */
  confidence?: "mean_logprob" | "top_probability";
  build(input: I, ctx: BuildContext): PromptPlan;
  postprocess(result: StepResult, input: I, ctx: BuildContext): O | FollowUp<O>;
}
