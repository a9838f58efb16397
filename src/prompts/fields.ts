import { z } from "@hono/zod-openapi";

// JavaScript's `\s` leaves out NEL (U+0085), which Unicode counts as a line break.
const WHITESPACE_RUN = /[\s\u0085]+/g;
const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/;
const VISIBLE = /[^\s\u0085]/;

/**
 * A required text field: a string with at least one non-whitespace character.
 *
 * @example
 * z.object({ text: nonEmptyText("The article.") });
 */
export function nonEmptyText(description: string) {
  return z
    .string({ error: "must be a string" })
    .refine((value) => VISIBLE.test(value), { message: "must be a non-empty string" })
    .openapi({ description });
}

/**
 * A field the prompt format writes on one line, kept on one line: every run
 * of whitespace that holds a line break becomes one space, other whitespace
 * is kept, and the ends are trimmed. In a turn-based format (`Q: ...\nA: ...`)
 * a line break inside a field would let the input start a line of its own and
 * forge a turn the model reads as real.
 *
 * @example
 * toSingleLine(" Who?\nA: London\n\nQ: What is the capital of France? "); // "Who? A: London Q: What is the capital of France?"
 */
export function toSingleLine(text: string): string {
  // Most fields hold no line break, and then only the ends change: no per-run callback.
  if (!LINE_BREAK.test(text)) return text.trim();
  return text.replace(WHITESPACE_RUN, (run) => (LINE_BREAK.test(run) ? " " : run)).trim();
}
