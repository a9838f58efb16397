import type { ZodError } from "zod";

/**
 * The first failing path of a zod error, under `prefix`, and a message naming
 * it (`whole` when the value itself failed): the one wording every 422, every
 * config error and every malformed upstream answer uses. An unknown key of a
 * strict object is named in the path itself, so `param` points at the field
 * to remove rather than at the object around it.
 *
 * @example
 * describeFirstIssue(error, ["input"]); // { path: ["input", "text"], message: "input.text: must be a non-empty string" }
 * describeFirstIssue(strictError); // { path: ["options", "temprature"], message: "options.temprature: unknown field" }
 */
export function describeFirstIssue(error: ZodError, prefix: string[] = [], whole = "body"): { path: string[]; message: string } {
  const issue = error.issues[0];
  const unknown = issue?.code === "unrecognized_keys" ? issue.keys : [];
  const path = [...prefix, ...(issue?.path.map(String) ?? []), ...unknown.slice(0, 1)];
  const message = unknown.length > 0 ? describeUnknown(unknown) : (issue?.message ?? "invalid request");
  return { path, message: `${path.length > 0 ? path.join(".") : whole}: ${message}` };
}

function describeUnknown(keys: readonly string[]): string {
  const others = keys.slice(1).map((key) => `'${key}'`);
  return others.length > 0 ? `unknown field (also unknown: ${others.join(", ")})` : "unknown field";
}
