import type { ZodError } from "zod";
import { ApiError } from "../errors";

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
  const first = issues[0];
  const where = first && first.path.length > 0 ? first.path.join(".") : "body";
  throw new ApiError("invalid_request", `${where}: ${first?.message ?? "invalid request"}`, {
    path: first?.path ?? [],
    issues,
  });
}
