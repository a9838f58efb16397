import type { Decoding, InferenceBackend } from "../model/backend";
import type { Tokenizer } from "../model/tokenizer";
import type { BuildContext, FollowUp, PromptPlan, StepResult, TaskModule } from "../prompts/types";
import { generateStreaming } from "./generate-streaming";

/** Tokens a run consumed, as the backends reported or the tokenizer counted them. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** A task answered by one backend: the output and what it cost. */
export interface BackendAnswer<O> {
  output: O;
  usage: Usage;
  /** The first step's raw result, which escalation reads its confidence from. */
  first: StepResult;
}

/**
 * Runs a prompt plan on one backend and post-processes it, including a
 * task's follow-up step (complete's stop-word filter), which stays on the
 * same backend so one answer never mixes two models. With `onText`, the
 * first step's generation streams its text as it comes (a follow-up never
 * streams: its text only feeds the post-processing).
 *
 * @example
 * const answer = await answerOnBackend(task, plan, input, ctx, backend, signal);
 */
export async function answerOnBackend<I, O>(
  task: TaskModule<I, O>,
  plan: PromptPlan,
  input: I,
  ctx: BuildContext,
  backend: InferenceBackend,
  signal: AbortSignal,
  onText?: (text: string) => void,
): Promise<BackendAnswer<O>> {
  const usage: Usage = { promptTokens: 0, completionTokens: 0 };
  const execute = async (step: PromptPlan, stream?: (text: string) => void): Promise<StepResult> => {
    const generate = (prompt: string, decoding: Decoding) =>
      stream ? generateStreaming(backend, prompt, decoding, signal, stream) : backend.generate(prompt, decoding, signal);
    const result =
      step.kind === "generate"
        ? ({ kind: "generate", generation: await generate(step.prompt, step.decoding) } as const)
        : ({ kind: "score", scores: await backend.score(step.requests, signal) } as const);
    addUsage(usage, result, step, ctx.tokenizer);
    return result;
  };
  const first = await execute(plan, onText);
  const processed = task.postprocess(first, input, ctx);
  const output = isFollowUp(processed) ? processed.finish(await execute(processed.followUp)) : processed;
  return { output, usage, first };
}

/** Backends report usage; when one does not, count with the exact tokenizer. */
function addUsage(usage: Usage, result: StepResult, plan: PromptPlan, tokenizer: Tokenizer): void {
  if (result.kind === "generate" && plan.kind === "generate") {
    const { generation } = result;
    usage.promptTokens += generation.promptTokens || tokenizer.count(plan.prompt);
    usage.completionTokens += generation.completionTokens || tokenizer.count(generation.text);
    return;
  }
  if (result.kind === "score") usage.promptTokens += result.scores.reduce((sum, score) => sum + score.promptTokens, 0);
}

function isFollowUp<O>(value: O | FollowUp<O>): value is FollowUp<O> {
  return typeof value === "object" && value !== null && "followUp" in value && "finish" in value;
}
