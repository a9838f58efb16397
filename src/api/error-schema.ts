import { z } from "@hono/zod-openapi";

/** The error body every failure returns. */
export const errorSchema = z
  .object({
    error: z.object({
      type: z.string().openapi({ example: "invalid_request" }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      param: z.string().optional().openapi({ description: "The field at fault, as OpenAI's errors name it." }),
      code: z.string().optional().openapi({ description: "OpenAI's code, where it has one (context_length_exceeded)." }),
    }),
  })
  .openapi("Error");

/**
 * An OpenAPI response entry for a failure: its description and the error body.
 *
 * @example
 * responses: { 404: errorResponse("No such batch.") }
 */
export function errorResponse(description: string) {
  return { description, content: { "application/json": { schema: errorSchema } } };
}
