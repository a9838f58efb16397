import type { ZodError } from "zod";
import { ApiError } from "../errors/api-error";
import { appendHint, describeFirstIssue, describeIssue, type IssueHint } from "../errors/describe-issue";

type ValidationResult = { success: true } | { success: false; error: ZodError };

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
    // `param` as OpenAI's errors name the field at fault, which its clients expose (and batch routes already send).
    throw new ApiError(
      "invalid_request",
      appendHint(message, result.error.issues, hint),
      { path, issues },
      { param: path.join(".") || undefined },
    );
  };
}
