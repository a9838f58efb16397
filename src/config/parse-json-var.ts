import type { z } from "zod";
import { ApiError } from "../errors/api-error";
import { describeFirstIssue } from "../errors/describe-issue";

/**
 * Parses a JSON-valued var with its schema, as a `config_error` naming it.
 *
 * @example
 * parseJsonVar("TASK_BACKENDS", '{"answer":"edge"}', taskTableSchema); // { answer: "edge" }
 */
export function parseJsonVar<T>(name: string, raw: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ApiError("config_error", `invalid configuration ${name}: not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError("config_error", `invalid configuration ${describeFirstIssue(parsed.error, [name]).message}`);
  return parsed.data;
}

/**
 * A base URL without trailing slashes, so paths can be appended.
 *
 * @example
 * trimSlash("http://a:8000/"); // "http://a:8000"
 */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
