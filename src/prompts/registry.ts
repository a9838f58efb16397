import { answerTask } from "./answer";
import { chooseTask } from "./choose";
import { completeTask } from "./complete";
import { generateTask } from "./generate";
import { readTask } from "./read";
import { scoreTask } from "./score";
import { summarizeTask } from "./summarize";
import { translateTask } from "./translate";
import type { TaskModule, TaskName } from "./types";

/**
 * Every task module by name: the one table to extend when a task is added.
 * Values are `any`-typed because each module has its own input and output.
 *
 * @example
 * TASKS.summarize.build({ text: "..." }, ctx);
 */
// biome-ignore lint/suspicious/noExplicitAny: one table holds every task's own input and output types.
export const TASKS: Record<TaskName, TaskModule<any, any>> = {
  summarize: summarizeTask,
  answer: answerTask,
  translate: translateTask,
  read: readTask,
  complete: completeTask,
  choose: chooseTask,
  score: scoreTask,
  generate: generateTask,
};

/**
 * Task names in table order (the order of the catalog and the OpenAPI document).
 *
 * @example
 * TASK_NAMES.includes("answer"); // true
 */
export const TASK_NAMES: readonly TaskName[] = Object.keys(TASKS) as TaskName[];

/**
 * The task called `name`, or `undefined` for an unknown one (including
 * inherited property names such as `constructor`).
 *
 * @example
 * getTask("translate")?.name; // "translate"
 * getTask("dance"); // undefined
 */
export function getTask(name: string): TaskModule | undefined {
  return Object.hasOwn(TASKS, name) ? (TASKS[name as TaskName] as TaskModule) : undefined;
}
