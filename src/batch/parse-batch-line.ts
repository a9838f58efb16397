import { z } from "zod";
import { describeFirstIssue } from "../errors";
import { getTask } from "../prompts/registry";
import { optionsSchema } from "../schemas";
import type { BatchItem } from "./run-item";

/** A request line that can run: the item, and which endpoint's response shape it wants. */
export interface ValidLine {
  ok: true;
  customId: string;
  url: string;
  item: BatchItem;
}

/** A line that cannot run; `customId` is kept when the line had a usable one. */
export interface InvalidLine {
  ok: false;
  customId: string | null;
  code: string;
  message: string;
}

const lineSchema = z.object({
  custom_id: z.string().min(1).max(512),
  method: z.literal("POST"),
  url: z.string(),
  body: z.record(z.string(), z.unknown()),
});

/** The OpenAI completions fields the `generate` task can honour; anything else is rejected, not ignored. */
const completionsSchema = z
  .object({
    model: z.string().optional(),
    prompt: z.string().min(1),
    max_tokens: z.int().optional(),
    temperature: z.number().optional(),
    top_p: z.number().optional(),
    top_k: z.int().optional(),
    seed: z.int().optional(),
    stop: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .strict();

const TASK_URL = /^\/v1\/tasks\/([a-z_-]+)$/;

/**
 * Parses and validates one JSONL request line of an async batch, mapping
 * `/v1/completions` onto the `generate` task. Validation here matches what
 * the item runner checks, so bad lines are reported at creation.
 *
 * @example
 * parseBatchLine('{"custom_id":"a","method":"POST","url":"/v1/tasks/answer","body":{"question":"Why?"}}');
 * // { ok: true, customId: "a", url: "/v1/tasks/answer", item: { task: "answer", input: { question: "Why?" }, options: undefined } }
 */
export function parseBatchLine(text: string): ValidLine | InvalidLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, customId: null, code: "invalid_json", message: "the line is not valid JSON" };
  }
  const rawId = (json as { custom_id?: unknown } | null)?.custom_id;
  const customId = typeof rawId === "string" && rawId.length > 0 ? rawId : null;
  const line = lineSchema.safeParse(json);
  if (!line.success) return invalid(customId, "invalid_request", describeFirstIssue(line.error, [], "line").message);
  const item = toItem(line.data.url, line.data.body);
  if ("code" in item) return invalid(customId, item.code, item.message);
  return { ok: true, customId: line.data.custom_id, url: line.data.url, item };
}

function toItem(url: string, body: Record<string, unknown>): BatchItem | { code: string; message: string } {
  if (url === "/v1/completions") {
    const parsed = completionsSchema.safeParse(body);
    if (!parsed.success) return { code: "invalid_request", message: describeFirstIssue(parsed.error, ["body"]).message };
    const { model: _model, prompt, ...options } = parsed.data;
    return checkItem({ task: "generate", input: { prompt }, options });
  }
  const taskName = TASK_URL.exec(url)?.[1];
  if (taskName === undefined) return { code: "invalid_url", message: `url must be /v1/tasks/{task} or /v1/completions, not '${url}'` };
  const { options, ...input } = body;
  return checkItem({ task: taskName, input, options });
}

function checkItem(item: BatchItem): BatchItem | { code: string; message: string } {
  const task = getTask(item.task);
  if (!task) return { code: "unknown_task", message: `unknown task '${item.task}'` };
  const input = task.input.safeParse(item.input);
  if (!input.success) return { code: "invalid_request", message: describeFirstIssue(input.error, ["body"]).message };
  const options = optionsSchema.safeParse(item.options ?? {});
  if (!options.success) return { code: "invalid_request", message: describeFirstIssue(options.error, ["options"]).message };
  return item;
}

function invalid(customId: string | null, code: string, message: string): InvalidLine {
  return { ok: false, customId, code, message };
}

