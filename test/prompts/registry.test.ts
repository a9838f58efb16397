import { describe, expect, it } from "vitest";
import { answerTask } from "../../src/prompts/answer";
import { getTask, TASK_NAMES, TASKS } from "../../src/prompts/registry";
import { TEMPLATE_VERSION, type TaskModule } from "../../src/prompts/types";
import { makeContext } from "../support/build-context";

const SOURCES = {
  summarize: "paper",
  answer: "reconstruction",
  translate: "paper",
  read: "paper",
  complete: "paper",
  choose: "paper",
  score: "paper",
  generate: "reconstruction",
} as const;

describe("registry", () => {
  it("lists the eight tasks in table order", () => {
    expect(TASK_NAMES).toEqual(["summarize", "answer", "translate", "read", "complete", "choose", "score", "generate"]);
  });

  it.each(Object.entries(SOURCES))("%s is registered under its own name with a %s template", (name, source) => {
    const task = TASKS[name as keyof typeof TASKS];
    expect(task.name).toBe(name);
    expect(task.template).toMatchObject({ id: TEMPLATE_VERSION, source });
    expect(task.template.format.length).toBeGreaterThan(0);
  });

  it.each(TASK_NAMES)("%s: its example is valid input and builds a plan for GPT-2's window", (name) => {
    const task = getTask(name) as TaskModule;
    expect(task.input.safeParse(task.example).success).toBe(true);
    const ctx = makeContext({ decoding: task.decoding ?? { strategy: "greedy", maxTokens: 1 } });
    const plan = task.build(task.example, ctx);
    expect(plan.truncation).toEqual([]);
    expect(plan.kind).toBe(task.decoding ? "generate" : "score");
  });

  it.each([
    { name: "answer", found: answerTask },
    { name: "dance", found: undefined },
    { name: "constructor", found: undefined },
    { name: "toString", found: undefined },
    { name: "Answer", found: undefined },
  ])("getTask($name)", ({ name, found }) => {
    expect(getTask(name)).toBe(found);
  });
});
