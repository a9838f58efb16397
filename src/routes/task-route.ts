import { createRoute } from "@hono/zod-openapi";
import type { TaskModule } from "../prompts/types";
import { errorResponse } from "../api/error-schema";
import { strictTaskInput } from "../api/task-input";
import { optionsSchema } from "../api/task-options";
import { buildTaskResponseSchema } from "../api/task-response";

const errorResponses = {
  400: "Malformed JSON body.",
  413: "Body over the configured limit.",
  415: "Not a JSON body, or a compressed one.",
  422: "The body does not match the task's schema, or the input cannot fit the model.",
  502: "The backend failed or answered something malformed.",
  503: "The requested backend is not configured.",
  504: "The backend did not answer in time.",
} as const;

/**
 * The OpenAPI route of one task: `POST /v1/tasks/{task}` with the task's own
 * request and response schemas and an example.
 *
 * @example
 * app.openapi(buildTaskRoute(summarizeTask), handler);
 */
export function buildTaskRoute(task: TaskModule) {
  const request = strictTaskInput(task)
    .safeExtend({ options: optionsSchema.optional() })
    .openapi(`${capitalize(task.name)}Request`);
  return createRoute({
    method: "post",
    path: `/v1/tasks/${task.name}`,
    operationId: `${task.name}Task`,
    tags: ["tasks"],
    summary: task.description,
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: request, example: task.example } },
      },
    },
    responses: {
      200: {
        description: `The ${task.name} result.`,
        content: {
          "application/json": {
            schema: buildTaskResponseSchema(task.name, task.output).openapi(`${capitalize(task.name)}Response`),
          },
        },
      },
      ...Object.fromEntries(Object.entries(errorResponses).map(([status, description]) => [status, errorResponse(description)])),
    },
  });
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
