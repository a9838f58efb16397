import type { BackendKind } from "../model/backend";
import type { TaskName } from "../prompts/types";

/**
 * Where each task runs by default when a request says `backend: "auto"`.
 * From the GPT-2 paper's scaling results: cloze, choice and scoring are
 * already strong at 117M (CBT common nouns 87.7%, LAMBADA 46%, perplexity
 * within 2x of 1542M), so the small edge model serves them; open QA (4.1%
 * even at 1542M), translation, reading comprehension and summaries need the
 * largest model, so they go to the GPU.
 *
 * @example
 * DEFAULT_TASK_TABLE.choose; // "edge"
 */
export const DEFAULT_TASK_TABLE: Readonly<Record<TaskName, BackendKind>> = {
  summarize: "gpu",
  answer: "gpu",
  translate: "gpu",
  read: "gpu",
  complete: "edge",
  choose: "edge",
  score: "edge",
  generate: "gpu",
};
