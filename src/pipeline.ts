import type { Config } from "./env";
import { ApiError } from "./errors";
import type { Decoding, InferenceBackend } from "./model/backend";
import type { Tokenizer } from "./model/tokenizer";
import { resolveDecoding } from "./prompts/decoding";
import type { BuildContext, PromptPlan, TaskModule, Truncation } from "./prompts/types";
import type { CircuitBreakers } from "./routing/circuit-breaker";
import { executePlan, type Attempt, type ExecutionDeps } from "./routing/execute-plan";
import { escalateIfUnsure, type Escalation } from "./routing/escalate";
import { planRoute } from "./routing/plan-route";
import { answerOnBackend } from "./run-on-backend";
import type { TaskRequestOptions } from "./schemas";

/** What the pipeline needs from its surroundings; time and chance are injected for tests. */
export interface PipelineDeps extends Omit<ExecutionDeps, "breakers"> {
  config: Config;
  backends: InferenceBackend[];
  tokenizer: Tokenizer;
  breakers: CircuitBreakers;
}

/** The route a request took, as reported to the client. */
export interface RouteReport {
  plan: string[];
  attempts: Attempt[];
  reason: string;
  escalation?: Escalation;
}

/** One task run, before it is shaped into the HTTP response. */
export interface TaskRun<O = unknown> {
  output: O;
  backend: InferenceBackend;
  usage: { prompt_tokens: number; completion_tokens: number };
  truncation: Truncation[];
  prompt: string | string[];
  route: RouteReport;
}

/** Score-only tasks still carry a decoding so the context budget check is uniform. */
const SCORE_DECODING: Decoding = { strategy: "greedy", maxTokens: 1 };

/**
 * Runs one task request end to end: decoding rule, prompt plan, routing
 * decision, execution with retries and fallback, optional escalation, and
 * post-processing. Serves single requests and every batch item alike.
 *
 * @example
 * const run = await runTask(summarizeTask, { text: "..." }, { backend: "auto", include_prompt: false }, deps);
 */
export async function runTask<I, O>(task: TaskModule<I, O>, input: I, options: TaskRequestOptions, deps: PipelineDeps): Promise<TaskRun<O>> {
  const candidates = options.backend === "auto" ? deps.backends : deps.backends.filter((b) => b.kind === options.backend);
  if (candidates.length === 0) {
    const what = options.backend === "auto" ? "no backend is" : `the ${options.backend} backend is not`;
    throw new ApiError("backend_unavailable", `${what} configured on this deployment`, { backend: options.backend });
  }
  const escalate = options.escalate === true && task.confidence !== undefined;
  const decoding = resolveTaskDecoding(task, options, escalate && task.confidence === "mean_logprob");
  // Every candidate must be able to run the same prompt, so fit the smallest context.
  const contextTokens = Math.min(...candidates.map((backend) => backend.contextTokens));
  if (decoding.maxTokens >= contextTokens) {
    throw new ApiError("invalid_request", `max_tokens must be below the model context of ${contextTokens}`, {
      path: ["options", "max_tokens"],
    });
  }
  const ctx: BuildContext = {
    tokenizer: deps.tokenizer,
    contextTokens,
    decoding,
    options: { stopwordFilter: options.stopword_filter },
    maxCandidates: deps.config.maxCandidates,
  };
  const plan = task.build(input, ctx);
  const now = deps.now();
  const route = planRoute(
    { task: task.name, choice: options.backend, totalTokens: countTokens(plan, deps.tokenizer), deadlineMs: options.deadline_ms },
    candidates.map((b) => ({
      id: b.id,
      kind: b.kind,
      weight: weightOf(b, deps.config),
      healthy: deps.breakers.isHealthy(b.id, now) && (b.isAvailable?.() ?? true),
      maxTokens: b.tokenLimit?.(),
    })),
    deps.config.routing,
    deps.random,
  );
  const ordered = route.plan.map((id) => candidates.find((b) => b.id === id) as InferenceBackend);
  const settings = { ...deps.config.execution, deadlineMs: Math.min(options.deadline_ms ?? Infinity, deps.config.execution.deadlineMs) };
  const run = (backends: InferenceBackend[]) =>
    executePlan(backends, (backend, signal) => answerOnBackend(task, plan, input, ctx, backend, signal), settings, deps);
  const first = await run(ordered);
  const final = escalate ? await escalateIfUnsure(task, first, candidates, run, deps.config.escalation) : { execution: first };
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

function resolveTaskDecoding<I, O>(task: TaskModule<I, O>, options: TaskRequestOptions, tokenLogprobs: boolean): Decoding {
  if (!task.decoding) return SCORE_DECODING;
  const decoding = resolveDecoding(task.decoding, {
    maxTokens: options.max_tokens,
    temperature: options.temperature,
    topK: options.top_k,
    topP: options.top_p,
    seed: options.seed,
    stop: typeof options.stop === "string" ? [options.stop] : options.stop,
  });
  return tokenLogprobs ? { ...decoding, tokenLogprobs: true } : decoding;
}

/** Prompt plus requested tokens; for scoring, the longest request. */
function countTokens(plan: PromptPlan, tokenizer: Tokenizer): number {
  if (plan.kind === "generate") return tokenizer.count(plan.prompt) + plan.decoding.maxTokens;
  return Math.max(...plan.requests.map((request) => tokenizer.count(request.context + request.continuation)));
}

function weightOf(backend: InferenceBackend, config: Config): number {
  return config.gpu.find((settings) => settings.id === backend.id)?.weight ?? 1;
}
