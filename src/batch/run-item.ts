import { strictTaskInput } from "../api/task-input";
import { hintMisplacedOption, toRunOptions, optionsSchema, type TaskRequestOptions } from "../api/task-options";
import { formatTaskResponse, type TaskResponse } from "../api/task-response";
import { ApiError, type DescribeError, type ErrorBody } from "../errors/api-error";
import { parseOrThrow } from "../errors/parse-or-throw";
import type { PipelineDeps } from "../pipeline/create-pipeline-deps";
import { runTask } from "../pipeline/run-task";
import { getTask } from "../prompts/registry";
import type { TaskModule } from "../prompts/types";

/** One unit of batch work: a task, its input and options, as a client sent them. */
export interface BatchItem {
  task: string;
  input: unknown;
  options?: unknown;
}

/** A batch item that passed validation: what `runBatchItem` runs. */
export interface ParsedItem {
  task: TaskModule;
  input: unknown;
  options: TaskRequestOptions;
}

/** What happened to one item; failures are values here, never exceptions. */
export type ItemOutcome = { status: "ok"; response: TaskResponse } | { status: "error"; error: ErrorBody["error"]; httpStatus: number };

/** What running items needs: the pipeline, and the error handler's mapping of failures to replies. */
export interface ItemDeps {
  pipeline: PipelineDeps;
  describeError: DescribeError;
}

/** Where an item's input and options sit in what the client sent, for the paths its errors name. */
export interface ItemPaths {
  input: string[];
  options: string[];
}

/** A sync batch item: `{ task, input, options }`. */
const ITEM_PATHS: ItemPaths = { input: ["input"], options: ["options"] };

/**
 * Validates one item, once: the task exists, its input (no unknown fields,
 * as on its own route) and options match their schemas. Throws the
 * `ApiError` a direct request would have got, its path under `paths`.
 *
 * @example
 * parseBatchItem({ task: "answer", input: { question: "Who wrote Hamlet?" } }).task.name; // "answer"
 * parseBatchItem(item, { input: ["body"], options: ["body", "options"] }); // an async batch line's body
 */
export function parseBatchItem(item: BatchItem, paths: ItemPaths = ITEM_PATHS): ParsedItem {
  const task = getTask(item.task);
  if (!task) throw new ApiError("not_found", `unknown task '${item.task}'`, { path: ["task"] });
  const options = parseOrThrow(optionsSchema, item.options ?? {}, { at: paths.options });
  // A batch answers in one body (or one output line) per item: there is nothing to stream into.
  if (options.stream) {
    const path = [...paths.options, "stream"];
    throw new ApiError("invalid_request", `${path.join(".")}: batch items cannot stream`, { path });
  }
  return { task, input: parseOrThrow(strictTaskInput(task), item.input, { at: paths.input, hint: hintMisplacedOption }), options };
}

/**
 * Runs one item through the same pipeline as a single request (a raw item
 * is validated first), turning every failure into an error outcome so one
 * item never fails the others.
 *
 * @example
 * await runBatchItem({ task: "answer", input: { question: "Who wrote Hamlet?" } }, deps);
 * // { status: "ok", response: { task: "answer", output: { answer: "..." }, backend: "gpu", ... } }
 */
export async function runBatchItem(item: BatchItem | ParsedItem, deps: ItemDeps): Promise<ItemOutcome> {
  try {
    const parsed = typeof item.task === "string" ? parseBatchItem(item as BatchItem) : (item as ParsedItem);
    const run = await runTask(parsed.task, parsed.input, toRunOptions(parsed.options), deps.pipeline);
    return { status: "ok", response: formatTaskResponse(parsed.task, run, { includePrompt: parsed.options.include_prompt }) };
  } catch (error) {
    const { status, body } = deps.describeError(error);
    return { status: "error", error: body.error, httpStatus: status };
  }
}
