import type { ZodError } from "zod";
import { ApiError } from "../errors/api-error";
import { describeFirstIssue, describeIssue } from "../errors/describe-issue";

type ValidationResult = { success: true } | { success: false; error: ZodError };

/**
 * A sentence to add to a 422, for a slip a route knows to be common; it sees
 * every issue, since zod lists the fields' own failures before unknown keys.
 *
 * @example
 * const hint: IssueHint = (issues) => (issues.some((issue) => issue.code === "unrecognized_keys") ? "see GET /v1/tasks" : undefined);
 */
export type IssueHint = (issues: ZodError["issues"]) => string | undefined;

/**
 * `OpenAPIHono`'s `defaultHook`: a request that fails its zod schema becomes
 * a 422 naming the first failing path, also as OpenAI's `param` (and listing
 * all issues).
 *
 * @example
 * new OpenAPIHono({ defaultHook: rejectInvalid });
 */
export const rejectInvalid = rejectInvalidWith(() => undefined);

/**
 * `rejectInvalid` for one route, with `hint` adding a sentence to the message.
 *
 * @example
 * app.openapi(route, handler, rejectInvalidWith((issues) => (issues.length > 3 ? "see the schema at /docs" : undefined)));
 */
export function rejectInvalidWith(hint: IssueHint): (result: ValidationResult) => undefined {
  return (result) => {
    if (result.success) return;
    const issues = result.error.issues.map((issue) => describeIssue(issue));
    const { path, message } = describeFirstIssue(result.error);
    const extra = hint(result.error.issues);
    // `param` as OpenAI's errors name the field at fault, which its clients expose (and batch routes already send).
    throw new ApiError(
      "invalid_request",
      extra ? `${message}; ${extra}` : message,
      { path, issues },
      { param: path.join(".") || undefined },
    );
  };
}
