import type { ZodError } from "zod";
import { ApiError } from "../errors/api-error";
import { describeFirstIssue } from "../errors/describe-issue";

/**
 * `OpenAPIHono`'s `defaultHook`: a request that fails its zod schema becomes
 * a 422 naming the first failing path (and listing all issues).
 *
 * @example
 * new OpenAPIHono({ defaultHook: rejectInvalid });
 */
export function rejectInvalid(result: { success: true } | { success: false; error: ZodError }): void {
  if (result.success) return;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
  const { path, message } = describeFirstIssue(result.error);
  throw new ApiError("invalid_request", message, { path, issues });
}
