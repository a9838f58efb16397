import { z } from "@hono/zod-openapi";

/**
 * The shape of one `POST /v1/batch` item. The route only documents it: each
 * item is checked against it on its own (see runSyncBatch), so an item that
 * does not fit fails alone instead of making the whole batch a 422.
 *
 * @example
 * batchItemSchema.safeParse({ id: "q1", task: "answer", input: { question: "Who wrote Hamlet?" } }).success; // true
 */
export const batchItemSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .openapi({ description: "Echoed in the result; generated (`item-<uuid>`) when absent or invalid." }),
    task: z.string().min(1).openapi({ example: "answer" }),
    input: z.record(z.string(), z.unknown()).openapi({ example: { question: "Who wrote Hamlet?" } }),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  // A stray key (`optoins`, or `max_tokens` beside `input`) fails its item, as it fails a direct request.
  .strict()
  .openapi("BatchItem");
