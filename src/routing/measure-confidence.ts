import type { StepResult, TaskModule } from "../prompts/types";

/**
 * How sure a backend was of its answer, in the task's own measure: the mean
 * log-probability of the generated tokens, or the softmax probability of the
 * best-scoring candidate. Undefined when the task has no measure or the
 * backend returned no logprobs.
 *
 * @example
 * measureConfidence("top_probability", { kind: "score", scores }); // 0.93
 */
export function measureConfidence(kind: TaskModule["confidence"], result: StepResult): number | undefined {
  if (kind === "mean_logprob" && result.kind === "generate") {
    const values = result.generation.tokenLogprobs;
    if (!values || values.length === 0) return undefined;
    return values.reduce((sum, value) => sum + value, 0) / values.length;
  }
  if (kind === "top_probability" && result.kind === "score" && result.scores.length > 0) {
    const logprobs = result.scores.map((score) => score.logprob);
    const top = Math.max(...logprobs);
    const total = logprobs.reduce((sum, logprob) => sum + Math.exp(logprob - top), 0);
    return 1 / total;
  }
  return undefined;
}
