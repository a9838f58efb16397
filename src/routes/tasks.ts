import type { OpenAPIHono } from "@hono/zod-openapi";
import { hintMisplacedOption, optionsSchema, toRunOptions, type TaskRequestOptions } from "../api/task-options";
import { formatTaskResponse } from "../api/task-response";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";
import { noteRun, noteServed } from "../middleware/trace-request";
import { rejectInvalidWith } from "../middleware/validation-hook";
import { createPipelineDeps } from "../pipeline/create-pipeline-deps";
import { runTask, type TaskRun } from "../pipeline/run-task";
import { TASKS, TASK_NAMES } from "../prompts/registry";
import type { TaskModule } from "../prompts/types";
import { streamTaskRun } from "./stream-task";
import { buildTaskRoute } from "./task-route";

/** What a request without `options` gets (read-only: toRunOptions copies it). */
const DEFAULT_OPTIONS: TaskRequestOptions = optionsSchema.parse({});

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
    app.openapi(
      buildTaskRoute(task),
      async (c) => {
        const started = Date.now();
        noteRun(c, { task: task.name });
        // The route's schema has already parsed `options` (defaults applied) when it was sent.
        const { options: sent, ...input } = c.req.valid("json" as never) as { options?: TaskRequestOptions };
        const options: TaskRequestOptions = sent ?? DEFAULT_OPTIONS;
        const header = c.req.header("x-deadline-ms");
        const runOptions = toRunOptions(options, header === undefined ? undefined : parseDeadline(header));
        const deps = createPipelineDeps(c.get("config"));
        const noteDone = (run: TaskRun) => noteServed(c, run);
        if (options.stream) {
          noteRun(c, { streamed: true });
          const streaming = { includePrompt: options.include_prompt, started, onDone: noteDone };
          return (await streamTaskRun(task, input, runOptions, deps, streaming)) as never;
        }
        const run = await runTask(task, input, runOptions, deps);
        noteDone(run);
        c.header("server-timing", describeTimings(run));
        return c.json(formatTaskResponse(task, run, { includePrompt: options.include_prompt, totalMs: Date.now() - started }), 200);
      },
      rejectMisplacedOption,
    );
  }
  // A wildcard, not `/v1/tasks/:task`: the app's RegExpRouter (app.ts) refuses a parameter beside
  // the static task paths, which Hono's default router would have served with its slower TrieRouter.
  // It runs only when no task matched.
  app.on(["POST", "GET", "PUT", "PATCH", "DELETE"], "/v1/tasks/*", (c) => {
    const name = c.req.path.slice("/v1/tasks/".length);
    // The wildcard also matches /v1/tasks itself and deeper paths: the app's not-found answer (a 405, a 404).
    if (name === "" || name.includes("/")) return c.notFound();
    if (c.req.method === "POST") throw new ApiError("not_found", `unknown task '${name}'`, { tasks: [...TASK_NAMES] });
    throw new ApiError("method_not_allowed", `${c.req.method} is not allowed here; POST the task input as JSON`, { allow: ["POST"] });
  });
}

/** The task routes' 422s, pointing out an option sent beside the input. */
const rejectMisplacedOption = rejectInvalidWith(hintMisplacedOption);

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
    .map(
      (attempt, index) => `a${index}-${attempt.backend.replace(/[^A-Za-z0-9_-]/g, "-")};dur=${attempt.durationMs};desc="${attempt.status}"`,
    )
    .join(", ");
}
