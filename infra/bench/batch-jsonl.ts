/**
 * The async batch bench's input file and the check of what came back: every
 * input line's custom_id must appear exactly once across the output and
 * error files, and nothing else may.
 */

/** Which endpoint the generated lines call. */
export type BenchEndpoint = "/v1/completions" | "/v1/tasks/answer";

/** How many ids to list by name when some are missing, duplicated or unknown. */
const LISTED = 10;

/**
 * `lines` JSONL request lines `req-0` … `req-(lines-1)`, each a small GPU
 * request (4 new tokens), as one newline-terminated byte buffer.
 *
 * @example
 * const bytes = buildBatchInput(3, "/v1/completions"); // 3 lines, ~130 bytes each
 */
export function buildBatchInput(lines: number, endpoint: BenchEndpoint): Buffer {
  const text = Array.from({ length: lines }, (_, index) => {
    const body =
      endpoint === "/v1/completions"
        ? { model: "gpt2", prompt: `Request ${index}: the quick brown fox`, max_tokens: 4 }
        : { question: `What is the name of item ${index}?`, options: { backend: "gpu", max_tokens: 4 } };
    return `${JSON.stringify({ custom_id: `req-${index}`, method: "POST", url: endpoint, body })}\n`;
  });
  return Buffer.from(text.join(""), "utf8");
}

/** What the output and error files held, judged against the input. */
export interface OutputCheck {
  output_lines: number;
  error_lines: number;
  /** output_lines + error_lines === lines and every custom_id exactly once. */
  exactly_once: boolean;
  duplicate_custom_ids: number;
  missing_custom_ids: number;
  unexpected_custom_ids: number;
  /** Output line `id`s (batch_req_…) seen more than once. */
  duplicate_line_ids: number;
  /** Up to ten of each, by name. */
  examples: { duplicate: string[]; missing: string[]; unexpected: string[] };
  /** Output file lines by response status code; error file lines by error code (or status). */
  output_status: Record<string, number>;
  error_codes: Record<string, number>;
}

interface ResultLine {
  id?: string;
  custom_id?: string | null;
  response?: { status_code?: number } | null;
  error?: { code?: string } | null;
}

/**
 * Checks the downloaded output and error files (JSONL text; "" when the
 * batch had none) against `lines` inputs named `req-0` ….
 *
 * @example
 * checkBatchOutput(outputText, "", 2000).exactly_once; // true
 */
export function checkBatchOutput(outputText: string, errorText: string, lines: number): OutputCheck {
  const output = parseJsonl(outputText);
  const errors = parseJsonl(errorText);
  const seen = new Map<string, number>();
  const lineIds = new Set<string>();
  let duplicateLineIds = 0;
  const unexpected: string[] = [];
  for (const line of [...output, ...errors]) {
    const customId = String(line.custom_id);
    if (!/^req-\d+$/.test(customId) || Number(customId.slice(4)) >= lines) unexpected.push(customId);
    seen.set(customId, (seen.get(customId) ?? 0) + 1);
    if (line.id !== undefined && lineIds.has(line.id)) duplicateLineIds += 1;
    if (line.id !== undefined) lineIds.add(line.id);
  }
  const duplicate = [...seen].filter(([, count]) => count > 1).map(([id]) => id);
  const missing: string[] = [];
  for (let index = 0; index < lines; index += 1) if (!seen.has(`req-${index}`)) missing.push(`req-${index}`);
  return {
    output_lines: output.length,
    error_lines: errors.length,
    exactly_once: output.length + errors.length === lines && duplicate.length === 0 && missing.length === 0 && unexpected.length === 0,
    duplicate_custom_ids: duplicate.length,
    missing_custom_ids: missing.length,
    unexpected_custom_ids: unexpected.length,
    duplicate_line_ids: duplicateLineIds,
    examples: { duplicate: duplicate.slice(0, LISTED), missing: missing.slice(0, LISTED), unexpected: unexpected.slice(0, LISTED) },
    output_status: tally(output, (line) => String(line.response?.status_code ?? "none")),
    error_codes: tally(errors, (line) => line.error?.code ?? `http_${line.response?.status_code ?? "none"}`),
  };
}

function parseJsonl(text: string): ResultLine[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ResultLine);
}

function tally(lines: readonly ResultLine[], key: (line: ResultLine) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) counts[key(line)] = (counts[key(line)] ?? 0) + 1;
  return counts;
}
