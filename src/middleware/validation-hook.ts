import type { ZodError } from "zod";
import { ApiError } from "../errors/api-error";
import { describeFirstIssue } from "../errors/describe-issue";

type ValidationResult = { success: true } | { success: false; error: ZodError };

/** A sentence to add to the 422 of the first failing issue, for a slip a route knows to be common. */
export type IssueHint = (issue: ZodError["issues"][number]) => string | undefined;

/**
 * `OpenAPIHono`'s `defaultHook`: a request that fails its zod schema becomes
 * a 422 naming the first failing path, also as OpenAI's `param` (and listing
 * all issues).
 *
 * @example
 * new OpenAPIHono({ defaultHook: rejectInvalid });
 */
export function rejectInvalid(result: ValidationResult): void {
  rejectInvalidWith(() => undefined)(result);
}

/**
 * `rejectInvalid` for one route, with `hint` adding a sentence to the message.
 *
 * @example
 * app.openapi(route, handler, rejectInvalidWith((issue) => (issue.code === "unrecognized_keys" ? "options go under options" : undefined)));
 */
export function rejectInvalidWith(hint: IssueHint): (result: ValidationResult) => undefined {
  return (result) => {
    if (result.success) return;
    const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
    const { path, message } = describeFirstIssue(result.error);
    const extra = result.error.issues[0] && hint(result.error.issues[0]);
    // `param` as OpenAI's errors name the field at fault, which its clients expose (and batch routes already send).
    throw new ApiError(
      "invalid_request",
      extra ? `${message}; ${extra}` : message,
      { path, issues },
      { param: path.join(".") || undefined },
    );
  };
}
