import type { z } from "zod";
import { ApiError } from "./api-error";
import { appendHint, describeFirstIssue, type IssueHint } from "./describe-issue";

/** Where the value sits in what the client sent, and whether that path is a field of the request body. */
export interface ParseAt {
  /** The value's path, prefixed to the failing one: `["options"]` for a batch item's options. */
  at?: string[];
  /** Also name the path as OpenAI's `param`: only where it is a field of the body the client sent. */
  param?: boolean;
  /** A sentence to add to the message for a slip the caller knows to be common. */
  hint?: IssueHint;
}

/**
 * The value `schema` accepts, or an `invalid_request` ApiError (a 422)
 * naming the first failing path in `details.path`, and in `param` when asked.
 *
 * @example
 * const options = parseOrThrow(optionsSchema, item.options ?? {}, { at: ["options"] });
 * const body = parseOrThrow(createBatchBodySchema, json, { param: true }); // 422 with param "completion_window"
 * const input = parseOrThrow(strictTaskInput(task), item.input, { at: ["input"], hint: hintMisplacedOption });
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, { at = [], param = false, hint }: ParseAt = {}): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { path, message } = describeFirstIssue(parsed.error, at);
  throw new ApiError(
    "invalid_request",
    appendHint(message, parsed.error.issues, hint),
    { path },
    {
      param: param ? path.join(".") || undefined : undefined,
    },
  );
}
