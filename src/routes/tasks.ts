import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { createBackends } from "../model/create-backends";
import { gpt2Tokenizer } from "../model/tokenizer";
import { runTask } from "../pipeline";
import { TASKS, TASK_NAMES } from "../prompts/registry";
import type { TaskModule } from "../prompts/types";
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
      const { options: rawOptions, ...input } = c.req.valid("json" as never) as Record<string, unknown>;
      const options: TaskRequestOptions = optionsSchema.parse(rawOptions ?? {});
      const config = c.var.config;
      const run = await runTask(task, input, options, {
        config,
        backends: createBackends(config),
        tokenizer: gpt2Tokenizer,
        signal: c.req.raw.signal,
      });
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
          timings: { total_ms: Date.now() - started, backend_ms: run.backendMs },
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
