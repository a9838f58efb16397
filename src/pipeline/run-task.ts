import { ApiError } from "../errors/api-error";
import type { Decoding, InferenceBackend } from "../model/backend";
import type { Tokenizer } from "../model/tokenizer";
import { resolveDecoding } from "../prompts/decoding";
import type { BuildContext, PromptPlan, TaskModule, Truncation } from "../prompts/types";
import { executePlan } from "../routing/execute-plan";
import type { Attempt } from "../routing/retry-error";
import { answerOnBackend, type Usage } from "./answer-on-backend";
import type { PipelineDeps } from "./create-pipeline-deps";
import { escalateIfUnsure, type Escalation } from "./escalate";
import { createStreamGuard, planBackends, withinDeadline } from "./plan-backends";
import type { RunOptions } from "./run-options";

/** The route a request took. */
export interface RouteReport {
  plan: string[];
  attempts: Attempt[];
  reason: string;
  escalation?: Escalation;
}

/** One task run, before the HTTP layer shapes it into a response. */
export interface TaskRun<O = unknown> {
  output: O;
  backend: InferenceBackend;
  usage: Usage;
  truncation: Truncation[];
  prompt: string | string[];
  route: RouteReport;
}

/** How to stream a run: each piece of the generated text, and the backend it comes from. */
export type OnText = (text: string, backend: InferenceBackend) => void;

/** Score-only tasks still carry a decoding so the context budget check is uniform. */
const SCORE_DECODING: Decoding = { strategy: "greedy", maxTokens: 1 };

/**
 * Runs one task request end to end: decoding rule, prompt plan, routing
 * decision, execution with retries and fallback, optional escalation, and
 * post-processing. Serves single requests and every batch item alike.
 * With `onText` a generative task streams its text; a backend may then be
 * retried or replaced only until its first piece was passed on, and a
 * failure after that is a `backend_error` (never a shorter answer).
 *
 * @example
 * const run = await runTask(summarizeTask, { text: "..." }, { backend: "auto" }, deps);
 */
export async function runTask<I, O>(
  task: TaskModule<I, O>,
  input: I,
  options: RunOptions,
  deps: PipelineDeps,
  onText?: OnText,
): Promise<TaskRun<O>> {
  const candidates = options.backend === "auto" ? deps.backends : deps.backends.filter((b) => b.kind === options.backend);
  if (candidates.length === 0) {
    const what = options.backend === "auto" ? "no backend is" : `the ${options.backend} backend is not`;
    throw new ApiError("backend_unavailable", `${what} configured on this deployment`, { backend: options.backend });
  }
  if (onText) checkStreamable(task, options);
  const escalate = options.escalate === true && task.confidence !== undefined;
  const decoding = resolveTaskDecoding(task, options, escalate && task.confidence === "mean_logprob");
  // Every candidate must be able to run the same prompt, so fit the smallest context.
  const contextTokens = Math.min(...candidates.map((backend) => backend.contextTokens));
  if (decoding.maxTokens >= contextTokens) {
    throw new ApiError("invalid_request", `max_tokens must be below the model context of ${contextTokens}`, {
      path: ["options", "max_tokens"],
    });
  }
  const { settings } = deps;
  const ctx: BuildContext = {
    tokenizer: deps.tokenizer,
    contextTokens,
    decoding,
    options: { stopwordFilter: options.stopwordFilter },
    maxCandidates: settings.maxCandidates,
  };
  const plan = task.build(input, ctx);
  // The size only moves an `auto` request off the edge, so the tokenizer runs only when that can happen.
  const sizeMatters = options.backend === "auto" && candidates.some((backend) => backend.kind === "edge");
  const totalTokens = sizeMatters ? countTokens(plan, deps.tokenizer) : 0;
  const { route, ordered } = planBackends(
    { task: task.name, choice: options.backend, totalTokens, deadlineMs: options.deadlineMs },
    candidates,
    deps,
  );
  const guard = createStreamGuard();
  const answer = (backend: InferenceBackend, signal: AbortSignal) => {
    const relay = onText && guard.relay((text: string) => onText(text, backend));
    return guard.settle(answerOnBackend(task, plan, input, ctx, backend, signal, relay), backend);
  };
  const run = (backends: InferenceBackend[]) => executePlan(backends, answer, withinDeadline(settings.execution, options.deadlineMs), deps);
  const first = await run(ordered);
  const final = escalate ? await escalateIfUnsure(task, first, candidates, run, settings.escalation) : { execution: first };
  return {
    output: final.execution.result.output,
    backend: final.execution.backend,
    usage: final.execution.result.usage,
    truncation: plan.truncation,
    prompt: plan.kind === "generate" ? plan.prompt : plan.requests.map((request) => request.context + request.continuation),
    route: {
      plan: route.plan,
      attempts: [...first.attempts, ...(final.escalation ? final.execution.attempts : [])],
      reason: route.reason,
      ...(final.escalation ? { escalation: final.escalation } : {}),
    },
  };
}

function checkStreamable<I, O>(task: TaskModule<I, O>, options: RunOptions): void {
  if (!task.decoding) {
    throw new ApiError("invalid_request", `${task.name} only scores: there is no text to stream`, { path: ["options", "stream"] });
  }
  if (options.escalate) {
    throw new ApiError("invalid_request", "escalate cannot be combined with stream: a streamed answer cannot be replaced", {
      path: ["options", "escalate"],
    });
  }
}

function resolveTaskDecoding<I, O>(task: TaskModule<I, O>, options: RunOptions, tokenLogprobs: boolean): Decoding {
  if (!task.decoding) return SCORE_DECODING;
  const decoding = resolveDecoding(task.decoding, options);
  return tokenLogprobs ? { ...decoding, tokenLogprobs: true } : decoding;
}

/** Prompt plus requested tokens; for scoring, the longest request. */
function countTokens(plan: PromptPlan, tokenizer: Tokenizer): number {
  if (plan.kind === "generate") return tokenizer.count(plan.prompt) + plan.decoding.maxTokens;
  return Math.max(...plan.requests.map((request) => tokenizer.count(request.context + request.continuation)));
}
