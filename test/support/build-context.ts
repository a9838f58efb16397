import type { Generation, ScoredContinuation } from "../../src/model/backend";
import { gpt2Tokenizer } from "../../src/model/tokenizer";
import type { BuildContext, FollowUp, GeneratePlan, PromptPlan, ScorePlan, StepResult } from "../../src/prompts/types";

/**
 * A build context with the real GPT-2 tokenizer and GPT-2's 1024-token
 * window; pass a small `contextTokens` (e.g. 64) to force truncation.
 *
 * @example
 * answerTask.build({ question: "who wrote hamlet" }, makeContext({ decoding: answerTask.decoding! }));
 */
export function makeContext(overrides: Partial<BuildContext> = {}): BuildContext {
  return {
    tokenizer: gpt2Tokenizer,
    contextTokens: 1024,
    decoding: { strategy: "greedy", maxTokens: 32 },
    options: {},
    maxCandidates: 32,
    ...overrides,
  };
}

/**
 * A generate step result, as a backend would return it.
 *
 * @example
 * completeTask.postprocess(generated(" lamp."), input, ctx); // { word: "lamp" }
 */
export function generated(text: string, extra: Partial<Generation> = {}): StepResult {
  return { kind: "generate", generation: { text, finishReason: "stop", promptTokens: 10, completionTokens: 2, ...extra } };
}

/**
 * A score step result with one scored continuation per entry.
 *
 * @example
 * scoreTask.postprocess(scored([{ tokens: ["The"], logprobs: [-2] }]), input, ctx);
 */
export function scored(entries: Array<{ tokens: string[]; logprobs: number[] }>): StepResult {
  const scores: ScoredContinuation[] = entries.map(({ tokens, logprobs }) => ({
    tokens,
    logprobs,
    logprob: logprobs.reduce((sum, value) => sum + value, 0),
    promptTokens: tokens.length + 1,
  }));
  return { kind: "score", scores };
}

/**
 * Narrows a plan to a generate plan, failing the test otherwise.
 *
 * @example
 * asGenerate(summarizeTask.build({ text: "..." }, ctx)).prompt;
 */
export function asGenerate(plan: PromptPlan): GeneratePlan {
  if (plan.kind !== "generate") throw new Error(`expected a generate plan, got ${plan.kind}`);
  return plan;
}

/**
 * Narrows a plan to a score plan, failing the test otherwise.
 *
 * @example
 * asScore(scoreTask.build({ text: "..." }, ctx)).requests;
 */
export function asScore(plan: PromptPlan): ScorePlan {
  if (plan.kind !== "score") throw new Error(`expected a score plan, got ${plan.kind}`);
  return plan;
}

/**
 * Narrows a postprocess result to a follow-up, failing the test otherwise.
 *
 * @example
 * asFollowUp(completeTask.postprocess(result, input, ctx)).followUp.prompt;
 */
export function asFollowUp<O>(value: O | FollowUp<O>): FollowUp<O> {
  if (typeof value !== "object" || value === null || !("followUp" in value)) throw new Error("expected a follow-up");
  return value as FollowUp<O>;
}

/**
 * Captures what `run` throws, failing the test when it does not throw.
 *
 * @example
 * expect(thrownBy(() => task.build(input, ctx))).toMatchObject({ type: "input_too_long" });
 */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

/**
 * Tokens a prompt takes with the real tokenizer.
 *
 * @example
 * countTokens("Hello world"); // 2
 */
export const countTokens = (text: string): number => gpt2Tokenizer.count(text);

/** Every line break a reader of the prompt might honour, named for test titles. */
export const LINE_BREAKS = [
  { name: "\\n", lineBreak: "\n" },
  { name: "\\r\\n", lineBreak: "\r\n" },
  { name: "\\r", lineBreak: "\r" },
  { name: "\\v", lineBreak: "\v" },
  { name: "\\f", lineBreak: "\f" },
  { name: "U+0085", lineBreak: "\u0085" },
  { name: "U+2028", lineBreak: "\u2028" },
  { name: "U+2029", lineBreak: "\u2029" },
];

/**
 * How many lines of `prompt` start with `prefix`, splitting on every line in
 * LINE_BREAKS: the turns a model could read in it.
 *
 * @example
 * countLineStarts("Q: a\nA: b\n\nQ: c\nA:", "Q:"); // 2
 */
export function countLineStarts(prompt: string, prefix: string): number {
  return prompt.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/).filter((line) => line.startsWith(prefix)).length;
}
