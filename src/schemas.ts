import { z } from "@hono/zod-openapi";

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
    escalate: z
      .boolean()
      .optional()
      .openapi({ description: "answer, complete, choose: re-run on the GPU when the edge answer's confidence is under the configured threshold." }),
    stopword_filter: z
      .boolean()
      .optional()
      .openapi({ description: "complete only: skip stop words when predicting the last word (default on)." }),
  })
  .strict()
  .openapi("TaskOptions");

export type TaskRequestOptions = z.infer<typeof optionsSchema>;

/** The error body every failure returns. */
export const errorSchema = z
  .object({
    error: z.object({
      type: z.string().openapi({ example: "invalid_request" }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi("Error");

const truncationSchema = z.object({
  field: z.string(),
  dropped: z.int(),
  unit: z.enum(["tokens", "items"]),
});

const routeSchema = z
  .object({
    plan: z.array(z.string()).openapi({ example: ["gpu:vllm-a", "gpu:vllm-b", "edge"] }),
    attempts: z.array(
      z.object({
        backend: z.string(),
        status: z.enum(["ok", "error", "skipped"]),
        duration_ms: z.number(),
        error: z.string().optional(),
      }),
    ),
    reason: z.string(),
    escalation: z
      .object({ from: z.string(), to: z.string(), confidence: z.number(), threshold: z.number(), edge_output: z.unknown() })
      .optional(),
  })
  .openapi("Route");

/**
 * The envelope of a task response around the task's own `output` schema.
 *
 * @example
 * buildTaskResponseSchema("summarize", summarizeTask.output);
 */
export function buildTaskResponseSchema<O extends z.ZodType>(task: string, output: O) {
  return z.object({
    task: z.literal(task),
    template: z.object({ id: z.string(), source: z.enum(["paper", "reconstruction"]) }),
    output,
    backend: z.string().openapi({ example: "gpu" }),
    model: z.string(),
    usage: z.object({ prompt_tokens: z.int(), completion_tokens: z.int() }),
    truncated: z.boolean(),
    truncation: z.array(truncationSchema).optional(),
    prompt: z.union([z.string(), z.array(z.string())]).optional(),
    timings: z.object({ total_ms: z.number(), backend_ms: z.number() }),
    route: routeSchema,
  });
}
