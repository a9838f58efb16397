import { z } from "@hono/zod-openapi";
import type { RunOptions } from "../pipeline/run-options";

/**
 * Per-request options shared by every task. Unknown keys are rejected so a
 * misspelt option is a 422, not a silently ignored setting.
 *
 * @example
 * optionsSchema.parse({ backend: "gpu", max_tokens: 20, temperature: 0 });
 */
export const optionsSchema = z
  .object({
    backend: z.enum(["auto", "edge", "gpu"]).default("auto").openapi({ description: "Where to run: auto picks." }),
    max_tokens: z.int().min(1).max(4096).optional().openapi({ description: "New tokens to generate." }),
    temperature: z.number().min(0).max(10).optional().openapi({ description: "0 means greedy." }),
    top_k: z.int().min(1).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    seed: z.int().optional().openapi({ description: "Makes sampling reproducible." }),
    stop: z
      .union([z.string().min(1), z.array(z.string().min(1)).max(8)])
      .optional()
      .openapi({ description: "Extra stop strings, added to the task's own." }),
    include_prompt: z.boolean().default(false).openapi({ description: "Echo the exact prompt sent." }),
    deadline_ms: z
      .int()
      .positive()
      .optional()
      .openapi({ description: "Latency budget for the whole request (also the x-deadline-ms header); routing and retries respect it." }),
    escalate: z.boolean().optional().openapi({
      description: "answer, complete, choose: re-run on the GPU when the edge answer's confidence is under the configured threshold.",
    }),
    stream: z
      .boolean()
      .optional()
      .openapi({ description: "Generative tasks: answer as server-sent events, text pieces (`delta`) then the whole response (`done`)." }),
    stopword_filter: z
      .boolean()
      .optional()
      .openapi({ description: "complete only: skip stop words when predicting the last word (default on)." }),
  })
  .strict()
  .openapi("TaskOptions");

export type TaskRequestOptions = z.infer<typeof optionsSchema>;

/**
 * A hint for a 422 on a task input: the commonest slip is a task option sent
 * beside the input, as OpenAI's API takes it. Reads every zod issue, since
 * zod lists the fields' own failures before unknown keys.
 *
 * @example
 * hintMisplacedOption(strictTaskInput(summarizeTask).safeParse({ text: "x", max_tokens: 20 }).error?.issues ?? []);
 * // 'task options go under "options": {"options": {"max_tokens": ...}}'
 */
export function hintMisplacedOption(issues: readonly z.core.$ZodIssue[]): string | undefined {
  const option = issues
    .flatMap((issue) => (issue.code === "unrecognized_keys" && issue.path.length === 0 ? issue.keys : []))
    .find((key) => Object.hasOwn(optionsSchema.shape, key));
  return option && `task options go under "options": {"options": {"${option}": ...}}`;
}

/**
 * The core's options from the wire's: camelCase, `stop` always a list, the
 * `x-deadline-ms` header as the deadline when the body has none.
 *
 * @example
 * toRunOptions(optionsSchema.parse({ max_tokens: 20, stop: "\n" })); // { backend: "auto", maxTokens: 20, stop: ["\n"] }
 */
export function toRunOptions(options: TaskRequestOptions, deadlineHeaderMs?: number): RunOptions {
  const run: RunOptions = {
    backend: options.backend,
    maxTokens: options.max_tokens,
    temperature: options.temperature,
    topK: options.top_k,
    topP: options.top_p,
    seed: options.seed,
    stop: typeof options.stop === "string" ? [options.stop] : options.stop,
    deadlineMs: options.deadline_ms ?? deadlineHeaderMs,
    escalate: options.escalate,
    stopwordFilter: options.stopword_filter,
  };
  return Object.fromEntries(Object.entries(run).filter(([, value]) => value !== undefined)) as RunOptions;
}
