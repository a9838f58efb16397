import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { strictTaskInput } from "../api/task-input";
import type { AppEnv } from "../config/env";
import { TASKS, TASK_NAMES } from "../prompts/registry";
import type { TaskModule } from "../prompts/types";

const taskInfoSchema = z
  .object({
    task: z.string(),
    description: z.string(),
    template: z.object({ id: z.string(), source: z.enum(["paper", "reconstruction"]), format: z.string() }),
    input_schema: z.record(z.string(), z.any()).openapi({ description: "JSON Schema of the task input." }),
    defaults: z.object({ decoding: z.record(z.string(), z.unknown()).nullable() }),
    example: z.any(),
  })
  .openapi("TaskInfo");

const route = createRoute({
  method: "get",
  path: "/v1/tasks",
  operationId: "listTasks",
  tags: ["tasks"],
  summary: "Every task with its template, input schema and default decoding.",
  responses: {
    200: {
      description: "The task catalogue.",
      content: { "application/json": { schema: z.object({ tasks: z.array(taskInfoSchema) }) } },
    },
  },
});

type TaskInfo = z.infer<typeof taskInfoSchema>;

/** Computed once: the registry is static. */
let catalogue: TaskInfo[] | undefined;

function listTasks(): TaskInfo[] {
  catalogue ??= TASK_NAMES.map((name) => describeTask(TASKS[name] as TaskModule));
  return catalogue;
}

function describeTask(task: TaskModule): TaskInfo {
  return {
    task: task.name,
    description: task.description,
    template: task.template,
    input_schema: z.toJSONSchema(strictTaskInput(task), { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
    defaults: { decoding: task.decoding ? { ...task.decoding } : null },
    example: task.example,
  };
}

/**
 * Mounts `GET /v1/tasks`.
 *
 * @example
 * registerCatalog(app);
 */
export function registerCatalog(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, (c) => c.json({ tasks: listTasks() }, 200));
}
