import type { ZodError } from "zod";

type Issue = ZodError["issues"][number];

/**
 * A sentence to add to a 422, for a slip a caller knows to be common; it sees
 * every issue, since zod lists the fields' own failures before unknown keys.
 *
 * @example
 * const hint: IssueHint = (issues) => (issues.some((issue) => issue.code === "unrecognized_keys") ? "see GET /v1/tasks" : undefined);
 */
export type IssueHint = (issues: readonly Issue[]) => string | undefined;

/**
 * `message` with what `hint` makes of `issues` after it, when it has anything to say.
 *
 * @example
 * appendHint("max_tokens: unknown field", error.issues, hintMisplacedOption); // 'max_tokens: unknown field; task options go under ...'
 */
export function appendHint(message: string, issues: readonly Issue[], hint: IssueHint | undefined): string {
  const extra = hint?.(issues);
  return extra ? `${message}; ${extra}` : message;
}

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
  const { path, message } = issue ? describeIssue(issue, prefix) : { path: prefix, message: "invalid request" };
  return { path, message: `${path.length > 0 ? path.join(".") : whole}: ${message}` };
}

/**
 * One issue's path under `prefix`, and its message. An unknown key of a
 * strict object is named in the path itself, so `param` points at the field
 * to remove rather than at the object around it.
 *
 * @example
 * describeIssue(strictError.issues[0], ["body"]); // { path: ["body", "options", "temprature"], message: "unknown field" }
 */
export function describeIssue(issue: Issue, prefix: string[] = []): { path: string[]; message: string } {
  const path = [...prefix, ...issue.path.map(String)];
  if (issue.code !== "unrecognized_keys" || issue.keys.length === 0) return { path, message: issue.message };
  const others = issue.keys.slice(1).map((key) => `'${key}'`);
  const message = others.length > 0 ? `unknown field (also unknown: ${others.join(", ")})` : "unknown field";
  return { path: [...path, issue.keys[0] as string], message };
}
