import { ApiError } from "../errors/api-error";
import type { InferenceBackend } from "../model/backend";
import type { CompletionDelta, CompletionRequest, CompletionResult } from "../model/completion";
import { executePlan } from "../routing/execute-plan";
import type { PipelineDeps } from "./create-pipeline-deps";
import { createStreamGuard, planBackends, withinDeadline } from "./plan-backends";
import type { RouteReport } from "./run-task";

/** A completion and the route it took. */
export interface CompletionRun {
  result: CompletionResult;
  backend: InferenceBackend;
  route: RouteReport;
}

/** How the caller wants the run: its deadline, a signal for a client gone away, and `onDelta` to stream (told which backend is answering). */
export interface CompletionRunOptions {
  deadlineMs?: number;
  signal?: AbortSignal;
  onDelta?: (delta: CompletionDelta, backend: InferenceBackend) => void;
}

/**
 * Runs an OpenAI completions request on the backends serving `model`, with
 * the same weighted choice, retries, fallback and breakers as a task. While
 * streaming, a backend may be retried or replaced only until its first
 * piece was passed on; a failure after that ends the run with a
 * `backend_error` (the client has bytes already, so it must learn the answer
 * is cut), never with a silently shorter answer.
 *
 * @example
 * const run = await runCompletion("gpt2", { prompts: ["Hi"], maxTokens: 8, temperature: 0, n: 1, echo: false }, deps);
 */
export async function runCompletion(
  model: string,
  request: CompletionRequest,
  deps: PipelineDeps,
  options: CompletionRunOptions = {},
): Promise<CompletionRun> {
  const candidates = deps.backends.filter((backend) => backend.model === model && backend.complete !== undefined);
  if (candidates.length === 0) {
    throw modelNotFound(model);
  }
  const contextTokens = Math.min(...candidates.map((backend) => backend.contextTokens));
  const promptTokens = Math.max(
    ...request.prompts.map((prompt) => (typeof prompt === "string" ? deps.tokenizer.count(prompt) : prompt.length)),
  );
  if (promptTokens + request.maxTokens > contextTokens) {
    const message = `This model's maximum context length is ${contextTokens} tokens; the prompt has ${promptTokens} and max_tokens asks for ${request.maxTokens}.`;
    throw new ApiError("invalid_request", message, undefined, { param: "max_tokens", code: "context_length_exceeded" });
  }
  const { route, ordered } = planBackends(
    { task: "generate", choice: "auto", totalTokens: promptTokens + request.maxTokens, deadlineMs: options.deadlineMs },
    candidates,
    deps,
  );
  const guard = createStreamGuard();
  const { onDelta } = options;
  const run = await executePlan(
    ordered,
    (backend, timeout) => {
      const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
      const relay = onDelta && guard.relay((delta: CompletionDelta) => onDelta(delta, backend));
      return guard.settle((backend.complete as NonNullable<InferenceBackend["complete"]>)(request, { signal, onDelta: relay }), backend);
    },
    withinDeadline(deps.settings.execution, options.deadlineMs),
    deps,
  );
  return { result: run.result, backend: run.backend, route: { plan: route.plan, attempts: run.attempts, reason: route.reason } };
}

/**
 * OpenAI's answer to a model nothing serves: a 404 with `param: "model"`
 * and `code: "model_not_found"`, which its clients expose.
 *
 * @example
 * throw modelNotFound("gpt-4");
 */
export function modelNotFound(model: string): ApiError {
  return new ApiError("not_found", `The model '${model}' does not exist.`, undefined, { param: "model", code: "model_not_found" });
}
