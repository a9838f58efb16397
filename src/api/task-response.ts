import { z } from "@hono/zod-openapi";
import type { RouteReport, TaskRun } from "../pipeline/run-task";
import type { TaskModule } from "../prompts/types";

const truncationSchema = z.object({
  field: z.string(),
  dropped: z.int(),
  unit: z.enum(["tokens", "items"]),
});

/** `route` of a task response: the plan, every attempt, the reason and any escalation. */
export const routeSchema = z
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

/** A task response body, as `POST /v1/tasks/{task}` answers and batch output lines repeat. */
export type TaskResponse = z.infer<ReturnType<typeof buildTaskResponseSchema>>;

/**
 * The one place a task run becomes its response body: single requests,
 * sync batch results and async batch output lines all use it.
 *
 * @example
 * c.json(formatTaskResponse(task, run, { includePrompt: false, totalMs: 12 }));
 */
export function formatTaskResponse(
  task: TaskModule,
  run: TaskRun,
  options: { includePrompt?: boolean; totalMs?: number } = {},
): TaskResponse {
  const backendMs = run.route.attempts.reduce((sum, attempt) => sum + attempt.durationMs, 0);
  return {
    task: task.name,
    template: { id: task.template.id, source: task.template.source },
    output: run.output,
    backend: run.backend.id,
    model: run.backend.model,
    usage: { prompt_tokens: run.usage.promptTokens, completion_tokens: run.usage.completionTokens },
    truncated: run.truncation.length > 0,
    ...(run.truncation.length > 0 ? { truncation: run.truncation } : {}),
    ...(options.includePrompt ? { prompt: run.prompt } : {}),
    timings: { total_ms: options.totalMs ?? backendMs, backend_ms: backendMs },
    route: formatRoute(run.route),
  };
}

function formatRoute(route: RouteReport): z.infer<typeof routeSchema> {
  const { escalation } = route;
  return {
    plan: route.plan,
    attempts: route.attempts.map(({ durationMs, ...attempt }) => ({ ...attempt, duration_ms: durationMs })),
    reason: route.reason,
    ...(escalation
      ? {
          escalation: {
            from: escalation.from,
            to: escalation.to,
            confidence: escalation.confidence,
            threshold: escalation.threshold,
            edge_output: escalation.edgeOutput,
          },
        }
      : {}),
  };
}
