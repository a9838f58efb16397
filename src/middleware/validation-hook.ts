import type { ZodError } from "zod";
import { ApiError } from "../errors/api-error";
import { describeFirstIssue } from "../errors/describe-issue";

/**
 * `OpenAPIHono`'s `defaultHook`: a request that fails its zod schema becomes
 * a 422 naming the first failing path, also as OpenAI's `param` (and listing
 * all issues).
 *
 * @example
 * new OpenAPIHono({ defaultHook: rejectInvalid });
 */
export function rejectInvalid(result: { success: true } | { success: false; error: ZodError }): void {
  if (result.success) return;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
  const { path, message } = describeFirstIssue(result.error);
  // `param` as OpenAI's errors name the field at fault, which its clients expose (and batch routes already send).
  throw new ApiError("invalid_request", message, { path, issues }, { param: path.join(".") || undefined });
}
