import { z } from "@hono/zod-openapi";

/**
 * A required text field: a string with at least one non-whitespace character.
 *
 * @example
 * z.object({ text: nonEmptyText("The article.") });
 */
export function nonEmptyText(description: string) {
  return z
    .string({ error: "must be a string" })
    .refine((value) => value.trim().length > 0, { message: "must be a non-empty string" })
    .openapi({ description });
}
