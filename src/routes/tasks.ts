import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { runTask, type TaskRun } from "../pipeline";
import { TASKS, TASK_NAMES } from "../prompts/registry";
import type { TaskModule } from "../prompts/types";
import { createPipelineDeps } from "../pipeline-deps";
import { optionsSchema, type TaskRequestOptions } from "../schemas";
import { buildTaskRoute } from "./task-route";

/**
 * Mounts `POST /v1/tasks/{task}` for every registered task, plus a catch-all
 * that answers an unknown task with a 404 listing the known ones.
 *
 * @example
 * registerTaskRoutes(app);
 */
export function registerTaskRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const name of TASK_NAMES) {
    const task = TASKS[name] as TaskModule;
    app.openapi(buildTaskRoute(task), async (c) => {
      const started = Date.now();
      // The route's schema has already parsed `options` (defaults applied) when it was sent.
      const { options: sent, ...input } = c.req.valid("json" as never) as { options?: TaskRequestOptions };
      const options: TaskRequestOptions = sent ?? optionsSchema.parse({});
      const header = c.req.header("x-deadline-ms");
      if (options.deadline_ms === undefined && header !== undefined) options.deadline_ms = parseDeadline(header);
      const config = c.var.config;
      const run = await runTask(task, input, options, createPipelineDeps(config));
      c.header("server-timing", describeTimings(run));
      return c.json(
        {
          task: task.name,
          template: { id: task.template.id, source: task.template.source },
          output: run.output,
          backend: run.backend.id,
          model: run.backend.model,
          usage: run.usage,
          truncated: run.truncation.length > 0,
          ...(run.truncation.length > 0 ? { truncation: run.truncation } : {}),
          ...(options.include_prompt ? { prompt: run.prompt } : {}),
          timings: {
            total_ms: Date.now() - started,
            backend_ms: run.route.attempts.reduce((sum, attempt) => sum + attempt.duration_ms, 0),
          },
          route: run.route,
        },
        200,
      );
    });
  }
  app.post("/v1/tasks/:task", (c) => {
    throw new ApiError("not_found", `unknown task '${c.req.param("task")}'`, { tasks: [...TASK_NAMES] });
  });
  app.on(["GET", "PUT", "PATCH", "DELETE"], "/v1/tasks/:task", (c) => {
    throw new ApiError("method_not_allowed", `${c.req.method} is not allowed here; POST the task input as JSON`);
  });
}

function parseDeadline(header: string): number {
  const value = Number(header);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ApiError("invalid_request", "x-deadline-ms must be a positive integer of milliseconds", { path: ["x-deadline-ms"] });
  }
  return value;
}

/** One Server-Timing entry per attempt, in order: `a0-gpu-vllm-a;dur=12;desc="ok"`. */
function describeTimings(run: TaskRun): string {
  return run.route.attempts
    .map((attempt, index) => `a${index}-${attempt.backend.replace(/[^A-Za-z0-9_-]/g, "-")};dur=${attempt.duration_ms};desc="${attempt.status}"`)
    .join(", ");
}
