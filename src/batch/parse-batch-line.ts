import { z } from "zod";
import { ApiError } from "../errors/api-error";
import { describeFirstIssue } from "../errors/describe-issue";
import { getTask } from "../prompts/registry";
import { parseBatchItem, type BatchItem, type ItemPaths, type ParsedItem } from "./run-item";

/** A request line that can run: the validated item, and which endpoint's response shape it wants. */
export interface ValidLine {
  ok: true;
  customId: string;
  url: string;
  item: ParsedItem;
}

/** A line that cannot run; `customId` is kept when the line had a usable one. */
export interface InvalidLine {
  ok: false;
  customId: string | null;
  code: string;
  message: string;
  /** The field of the line at fault (`body.question`, `custom_id`), as OpenAI's batch errors name it. */
  param: string | null;
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
 * `/v1/completions` onto the `generate` task. The item is validated here,
 * once, by the same `parseBatchItem` a sync batch item goes through.
 *
 * @example
 * parseBatchLine('{"custom_id":"a","method":"POST","url":"/v1/tasks/answer","body":{"question":"Why?"}}');
 * // { ok: true, customId: "a", url: "/v1/tasks/answer", item: { task: answerTask, input: { question: "Why?" }, options: { backend: "auto", ... } } }
 */
export function parseBatchLine(text: string): ValidLine | InvalidLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return invalid(null, "invalid_json", "the line is not valid JSON");
  }
  const rawId = (json as { custom_id?: unknown } | null)?.custom_id;
  const customId = typeof rawId === "string" && rawId.length > 0 ? rawId : null;
  const line = lineSchema.safeParse(json);
  if (!line.success) return invalidBy(customId, "invalid_request", describeFirstIssue(line.error, [], "line"));
  const item = toItem(line.data.url, line.data.body);
  if ("code" in item) return invalidBy(customId, item.code, item);
  return { ok: true, customId: line.data.custom_id, url: line.data.url, item };
}

/**
 * Checks one line as it is read from an input file: not over the line
 * limit (`text` absent), valid, and naming the job's endpoint when the job
 * has one. The validator and the chunk runner both judge lines here, so
 * they agree on every line.
 *
 * @example
 * checkBatchLine(undefined, "/v1/completions"); // { ok: false, customId: null, code: "line_too_long", … }
 */
export function checkBatchLine(text: string | undefined, endpoint: string | null): ValidLine | InvalidLine {
  if (text === undefined) return invalid(null, "line_too_long", "the line is longer than MAX_BODY_BYTES, the limit of one request body");
  const parsed = parseBatchLine(text);
  if (!parsed.ok || endpoint === null || parsed.url === endpoint) return parsed;
  return invalid(parsed.customId, "invalid_url", `url '${parsed.url}' differs from the batch's endpoint '${endpoint}'`, "url");
}

/**
 * Whether a batch may name this endpoint: `/v1/completions` or a known task's URL.
 *
 * @example
 * isBatchEndpoint("/v1/tasks/answer"); // true
 */
export function isBatchEndpoint(url: string): boolean {
  if (url === "/v1/completions") return true;
  const taskName = TASK_URL.exec(url)?.[1];
  return taskName !== undefined && getTask(taskName) !== undefined;
}

/** Why a line's request cannot run, and the path in the line at fault. */
type LineFault = { code: string; message: string; path: string[] };

function toItem(url: string, body: Record<string, unknown>): ParsedItem | LineFault {
  if (url === "/v1/completions") {
    const parsed = completionsSchema.safeParse(body);
    if (!parsed.success) return { code: "invalid_request", ...describeFirstIssue(parsed.error, ["body"]) };
    const { model: _model, prompt, ...options } = parsed.data;
    // The completion fields are the task's options, but they sit in the body itself.
    return checkItem({ task: "generate", input: { prompt }, options }, { input: ["body"], options: ["body"] });
  }
  const taskName = TASK_URL.exec(url)?.[1];
  if (taskName === undefined) {
    return { code: "invalid_url", message: `url must be /v1/tasks/{task} or /v1/completions, not '${url}'`, path: ["url"] };
  }
  const { options, ...input } = body;
  return checkItem({ task: taskName, input, options }, { input: ["body"], options: ["body", "options"] });
}

function checkItem(item: BatchItem, paths: ItemPaths): ParsedItem | LineFault {
  try {
    return parseBatchItem(item, paths);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.type === "not_found") return { code: "unknown_task", message: error.message, path: ["url"] };
    const path = error.details?.path;
    return { code: error.type, message: error.message, path: Array.isArray(path) ? path.map(String) : [] };
  }
}

function invalidBy(customId: string | null, code: string, fault: { message: string; path: string[] }): InvalidLine {
  return invalid(customId, code, fault.message, fault.path.join(".") || null);
}

function invalid(customId: string | null, code: string, message: string, param: string | null = null): InvalidLine {
  return { ok: false, customId, code, message, param };
}
