import type { LineError } from "./batch-types";
import { parseBatchLine } from "./parse-batch-line";

/** A JSONL job after validation: its lines, the bad ones, and the endpoint the good ones share. */
export interface ValidatedInput {
  lines: string[];
  errors: LineError[];
  endpoint: string;
}

/**
 * Splits a JSONL body into request lines (trailing blank lines dropped; an
 * inner blank line is a request line that fails) so that line `n` of the
 * input is line `n` of the output.
 *
 * @example
 * splitJsonl('{"a":1}\n{"b":2}\n'); // ['{"a":1}', '{"b":2}']
 */
export function splitJsonl(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === "") lines.pop();
  return lines;
}

/**
 * Validates every line of a job and checks custom_ids are unique (a
 * duplicate is reported on its second and later lines). `endpoint` is the
 * URL every valid line names, or `mixed`.
 *
 * @example
 * validateBatchInput(splitJsonl(body)).errors; // [{ line: 3, code: "duplicate_custom_id", message: "..." }]
 */
export function validateBatchInput(lines: string[]): ValidatedInput {
  const errors: LineError[] = [];
  const seen = new Map<string, number>();
  const urls = new Set<string>();
  lines.forEach((text, index) => {
    const line = index + 1;
    const parsed = parseBatchLine(text);
    if (!parsed.ok) {
      errors.push({ line, code: parsed.code, message: parsed.message });
      return;
    }
    const first = seen.get(parsed.customId);
    if (first !== undefined) {
      errors.push({ line, code: "duplicate_custom_id", message: `custom_id '${parsed.customId}' is already used on line ${first}` });
      return;
    }
    seen.set(parsed.customId, line);
    urls.add(parsed.url);
  });
  const [only] = urls;
  return { lines, errors, endpoint: urls.size === 1 && only !== undefined ? only : "mixed" };
}
