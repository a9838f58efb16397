import { ApiError } from "./errors";
import type { Config } from "./env";
import type { Decoding, InferenceBackend } from "./model/backend";
import type { BackendSet } from "./model/create-backends";
import type { Tokenizer } from "./model/tokenizer";
import { resolveDecoding } from "./prompts/decoding";
import type { BuildContext, FollowUp, PromptPlan, StepResult, TaskModule, Truncation } from "./prompts/types";
import { selectBackend } from "./routing/select-backend";
import type { TaskRequestOptions } from "./schemas";

/** What the pipeline needs from its surroundings. */
export interface PipelineDeps {
  config: Config;
  backends: BackendSet;
  tokenizer: Tokenizer;
  signal?: AbortSignal;
}

/** One task run, before it is shaped into the HTTP response. */
export interface TaskRun<O = unknown> {
  output: O;
  backend: InferenceBackend;
  usage: { prompt_tokens: number; completion_tokens: number };
  truncation: Truncation[];
  prompt: string | string[];
  backendMs: number;
}

/** Score-only tasks still carry a decoding so the context budget check is uniform. */
const SCORE_DECODING: Decoding = { strategy: "greedy", maxTokens: 1 };

/**
 * Runs one task request end to end: decoding rule, backend choice, prompt
 * plan, backend call(s), post-processing. Serves single requests and every
 * batch item alike.
 *
 * @example
 * const run = await runTask(summarizeTask, { text: "..." }, { backend: "auto", include_prompt: false }, deps);
 */
export async function runTask<I, O>(
  task: TaskModule<I, O>,
  input: I,
  options: TaskRequestOptions,
  deps: PipelineDeps,
): Promise<TaskRun<O>> {
  const backend = selectBackend(options.backend, deps.backends, deps.config.defaultBackend);
  const decoding = task.decoding
    ? resolveDecoding(task.decoding, {
        maxTokens: options.max_tokens,
        temperature: options.temperature,
        topK: options.top_k,
        topP: options.top_p,
        seed: options.seed,
        stop: typeof options.stop === "string" ? [options.stop] : options.stop,
      })
    : SCORE_DECODING;
  if (decoding.maxTokens >= backend.contextTokens) {
    throw new ApiError("invalid_request", `max_tokens must be below the model context of ${backend.contextTokens}`, {
      path: ["options", "max_tokens"],
    });
  }
  const ctx: BuildContext = {
    tokenizer: deps.tokenizer,
    contextTokens: backend.contextTokens,
    decoding,
    options: { stopwordFilter: options.stopword_filter },
    maxCandidates: deps.config.maxCandidates,
  };
  const plan = task.build(input, ctx);
  const usage = { prompt_tokens: 0, completion_tokens: 0 };
  let backendMs = 0;
  const execute = async (step: PromptPlan): Promise<StepResult> => {
    const started = Date.now();
    const result = await executePlan(backend, step, deps.signal);
    backendMs += Date.now() - started;
    addUsage(usage, result, step, deps.tokenizer);
    return result;
  };
  const first = task.postprocess(await execute(plan), input, ctx);
  const output = isFollowUp(first) ? first.finish(await execute(first.followUp)) : first;
  return { output, backend, usage, truncation: plan.truncation, prompt: describePrompt(plan), backendMs };
}

async function executePlan(backend: InferenceBackend, plan: PromptPlan, signal?: AbortSignal): Promise<StepResult> {
  if (plan.kind === "generate") {
    return { kind: "generate", generation: await backend.generate(plan.prompt, plan.decoding, signal) };
  }
  return { kind: "score", scores: await backend.score(plan.requests, signal) };
}

/** Backends report usage; when one does not, count with the exact tokenizer. */
function addUsage(usage: TaskRun["usage"], result: StepResult, plan: PromptPlan, tokenizer: Tokenizer): void {
  if (result.kind === "generate" && plan.kind === "generate") {
    const { generation } = result;
    usage.prompt_tokens += generation.promptTokens || tokenizer.count(plan.prompt);
    usage.completion_tokens += generation.completionTokens || tokenizer.count(generation.text);
    return;
  }
  if (result.kind === "score") {
    usage.prompt_tokens += result.scores.reduce((sum, score) => sum + score.promptTokens, 0);
  }
}

function describePrompt(plan: PromptPlan): string | string[] {
  return plan.kind === "generate" ? plan.prompt : plan.requests.map((request) => request.context + request.continuation);
}

function isFollowUp<O>(value: O | FollowUp<O>): value is FollowUp<O> {
  return typeof value === "object" && value !== null && "followUp" in value && "finish" in value;
}
