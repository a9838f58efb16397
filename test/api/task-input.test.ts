import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { strictTaskInput } from "../../src/api/task-input";
import { answerTask } from "../../src/prompts/answer";
import { getTask, TASK_NAMES } from "../../src/prompts/registry";
import type { TaskModule } from "../../src/prompts/types";

describe("strictTaskInput", () => {
  it.each(TASK_NAMES)("%s: refuses unknown fields at every level of its input", (name) => {
    const schema = z.toJSONSchema(strictTaskInput(getTask(name) as TaskModule), { io: "input", unrepresentable: "any" });
    expect(listOpenObjects(schema, "input")).toEqual([]);
  });

  it.each(TASK_NAMES)("%s: its example, the OpenAPI document's and the catalog's, passes as the API takes it", (name) => {
    const task = getTask(name) as TaskModule;
    expect(strictTaskInput(task).safeParse(task.example).success).toBe(true);
  });

  it("refuses an unknown field in the input and in a nested example pair, keeping the task's own checks", () => {
    const schema = strictTaskInput(answerTask as TaskModule);
    expect(schema.safeParse({ question: "Who?" }).success).toBe(true);
    expect(schema.safeParse({ question: "Who?", max_tokens: 5 }).error?.issues[0]).toMatchObject({
      code: "unrecognized_keys",
      keys: ["max_tokens"],
    });
    const nested = schema.safeParse({ question: "Who?", examples: [{ question: "a", answer: "b", extra: 1 }] });
    expect(nested.error?.issues[0]).toMatchObject({ code: "unrecognized_keys", path: ["examples", 0], keys: ["extra"] });
    expect(schema.safeParse({ question: " " }).success).toBe(false);
    expect(strictTaskInput(answerTask as TaskModule)).toBe(schema);
  });

  it("says which task is at fault when its input is not an object schema", () => {
    const task = { ...answerTask, input: z.object({ question: z.string() }).transform((value) => value) } as unknown as TaskModule;
    expect(() => strictTaskInput(task)).toThrow("task 'answer': its input must be a z.object schema");
  });
});

/** Paths of the object schemas in a JSON Schema that accept properties they do not list. */
function listOpenObjects(node: unknown, at: string): string[] {
  if (typeof node !== "object" || node === null) return [];
  const schema = node as Record<string, unknown>;
  const here = schema.type === "object" && schema.additionalProperties !== false ? [at] : [];
  const children = Object.entries(schema).flatMap(([key, value]) =>
    Array.isArray(value)
      ? value.flatMap((item, index) => listOpenObjects(item, `${at}.${key}.${index}`))
      : listOpenObjects(value, `${at}.${key}`),
  );
  return [...here, ...children];
}
