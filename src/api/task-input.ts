import { z } from "@hono/zod-openapi";
import type { TaskModule } from "../prompts/types";

// One strict copy per task module: routes, batches and the catalog share it, and it is built once.
const strictInputs = new WeakMap<TaskModule, z.ZodObject>();

/**
 * A task's input schema as the API takes it: unknown fields are refused, so
 * a misspelt field, or an option sent beside the input instead of under
 * `options` (`{"text": "...", "max_tokens": 20}`), is a 422 naming it
 * rather than a setting silently ignored. The top level is made strict here,
 * for every task; object schemas nested in an input are the task's own and
 * are declared strict there (test/api/task-input.test.ts checks every level).
 *
 * @example
 * strictTaskInput(answerTask).safeParse({ question: "Why?", max_tokens: 5 }).success; // false
 */
export function strictTaskInput(task: TaskModule): z.ZodObject {
  const known = strictInputs.get(task);
  if (known) return known;
  // Refinements survive `strict`; a transform or preprocess would make the input a pipe, which cannot be.
  if (!(task.input instanceof z.ZodObject)) throw new TypeError(`task '${task.name}': its input must be a z.object schema`);
  const created = task.input.strict();
  strictInputs.set(task, created);
  return created;
}
