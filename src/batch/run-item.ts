import type { z } from "zod";
import { ApiError, describeFirstIssue } from "../errors";
import { runTask, type PipelineDeps, type RouteReport } from "../pipeline";
import { getTask } from "../prompts/registry";
import { optionsSchema } from "../schemas";

/** One unit of batch work: a task, its input and options, as a client sent them. */
export interface BatchItem {
  task: string;
  input: unknown;
  options?: unknown;
}

/** What happened to one item; failures are values here, never exceptions. */
export type ItemOutcome =
  | {
      status: "ok";
      output: unknown;
      backend: string;
      model: string;
      usage: { prompt_tokens: number; completion_tokens: number };
      truncated: boolean;
      route: RouteReport;
    }
  | {
      status: "error";
      error: { type: string; message: string; details?: Record<string, unknown> };
      http_status: number;
      usage: { prompt_tokens: number; completion_tokens: number };
    };

/**
 * Validates and runs one batch item through the same pipeline as a single
 * request, turning every failure (unknown task, invalid input, backend
 * error) into an error outcome so one item never fails the others.
 *
 * @example
 * await runBatchItem({ task: "answer", input: { question: "Who wrote Hamlet?" } }, deps);
 * // { status: "ok", output: { answer: "..." }, backend: "gpu", ... }
 */
export async function runBatchItem(item: BatchItem, deps: PipelineDeps): Promise<ItemOutcome> {
  try {
    const task = getTask(item.task);
    if (!task) throw new ApiError("not_found", `unknown task '${item.task}'`, { path: ["task"] });
    const input = parseOrThrow(task.input, item.input, ["input"]);
    const options = parseOrThrow(optionsSchema, item.options ?? {}, ["options"]);
    const run = await runTask(task, input, options, deps);
    return {
      status: "ok",
      output: run.output,
      backend: run.backend.id,
      model: run.backend.model,
      usage: run.usage,
      truncated: run.truncation.length > 0,
      route: run.route,
    };
  } catch (error) {
    const apiError = error instanceof ApiError ? error : new ApiError("internal_error", "internal error");
    if (!(error instanceof ApiError)) console.error("batch item failed", error);
    return { status: "error", ...apiError.toBody(), http_status: apiError.status, usage: { prompt_tokens: 0, completion_tokens: 0 } };
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, at: string[]): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { path, message } = describeFirstIssue(parsed.error, at);
  throw new ApiError("invalid_request", message, { path });
}
