import type { z } from "@hono/zod-openapi";
import type { TaskModule } from "../prompts/types";

// One strict copy per task module: routes, batches and the catalog share it, and it is built once.
const strictInputs = new WeakMap<TaskModule, z.ZodObject>();

/**
 * A task's input schema as the API takes it: unknown fields are refused, so
 * a misspelt field, or an option sent beside the input instead of under
 * `options` (`{"text": "...", "max_tokens": 20}`), is a 422 naming it
 * rather than a setting silently ignored. Task modules stay plain objects;
 * the wire decides how strict to be, as it does for `options`.
 *
 * @example
 * strictTaskInput(answerTask).safeParse({ question: "Why?", max_tokens: 5 }).success; // false
 */
export function strictTaskInput(task: TaskModule): z.ZodObject {
  const known = strictInputs.get(task);
  if (known) return known;
  // Every task's input is an object schema (its refinements survive `strict`).
  const created = (task.input as unknown as z.ZodObject).strict();
  strictInputs.set(task, created);
  return created;
}
