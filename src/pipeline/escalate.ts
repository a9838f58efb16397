import type { InferenceBackend } from "../model/backend";
import type { TaskModule } from "../prompts/types";
import type { Execution } from "../routing/execute-plan";
import { measureConfidence } from "../routing/measure-confidence";
import type { BackendAnswer } from "./answer-on-backend";

/** When an edge answer is too unsure and is re-run on the GPU (`options.escalate`). */
export interface EscalationSettings {
  /** Generations: mean log-probability per generated token. */
  minMeanLogprob: number;
  /** choose: probability of the top candidate. */
  minProbability: number;
}

/** What escalation saw and did, reported in `route.escalation`. */
export interface Escalation {
  from: string;
  to: string;
  confidence: number;
  threshold: number;
  /** The edge answer that was replaced. */
  edgeOutput: unknown;
}

/**
 * When an edge answer's confidence is under the task's threshold, re-runs
 * the task on the GPU backends and returns that answer, recording both. An
 * answer from the GPU, a task without a measure, or no GPU configured leaves
 * the first answer as it is.
 *
 * @example
 * const final = await escalateIfUnsure(task, execution, backends, run, config.escalation);
 */
export async function escalateIfUnsure<O>(
  task: TaskModule<unknown, O> | TaskModule<never, O>,
  first: Execution<BackendAnswer<O>>,
  backends: InferenceBackend[],
  run: (plan: InferenceBackend[]) => Promise<Execution<BackendAnswer<O>>>,
  settings: EscalationSettings,
): Promise<{ execution: Execution<BackendAnswer<O>>; escalation?: Escalation }> {
  const gpus = backends.filter((backend) => backend.kind === "gpu");
  if (first.backend.kind !== "edge" || gpus.length === 0) return { execution: first };
  const confidence = measureConfidence(task.confidence, first.result.first);
  const threshold = task.confidence === "top_probability" ? settings.minProbability : settings.minMeanLogprob;
  if (confidence === undefined || confidence >= threshold) return { execution: first };
  const execution = await run(gpus);
  return {
    execution,
    escalation: { from: first.backend.id, to: execution.backend.id, confidence, threshold, edgeOutput: first.result.output },
  };
}
