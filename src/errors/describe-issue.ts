import type { ZodError } from "zod";

/**
 * The first failing path of a zod error, under `prefix`, and a message naming
 * it (`whole` when the value itself failed): the one wording every 422, every
 * config error and every malformed upstream answer uses.
 *
 * @example
 * describeFirstIssue(error, ["input"]); // { path: ["input", "text"], message: "input.text: must be a non-empty string" }
 */
export function describeFirstIssue(error: ZodError, prefix: string[] = [], whole = "body"): { path: string[]; message: string } {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path.map(String) ?? [])];
  return { path, message: `${path.length > 0 ? path.join(".") : whole}: ${issue?.message ?? "invalid request"}` };
}
