import type { OutputLine } from "./batch-types";
import type { ValidLine } from "./parse-batch-line";
import type { ItemOutcome } from "./run-item";

/**
 * The output line id: derived from the job id and line number, not random,
 * so a redelivered chunk writes byte-identical lines.
 *
 * @example
 * requestId("batch_3f9a", 7); // "batch_req_3f9a_7"
 */
export function requestId(batchId: string, line: number): string {
  return `batch_req_${batchId.replace(/^batch_/, "")}_${line}`;
}

/**
 * An output line for a request that ran: the body a direct call to its URL
 * would have answered (a task response, or an OpenAI `text_completion`), or
 * the error body with its HTTP status, as OpenAI Batch reports both.
 *
 * @example
 * formatOutcome("batch_3f9a", 1, line, outcome).response?.status_code; // 200
 */
export function formatOutcome(batchId: string, line: number, request: ValidLine, outcome: ItemOutcome): OutputLine {
  const base = { id: requestId(batchId, line), custom_id: request.customId, error: null };
  if (outcome.status === "error") {
    return { ...base, response: { status_code: outcome.httpStatus, body: { error: outcome.error } } };
  }
  const { response } = outcome;
  if (request.url !== "/v1/completions") return { ...base, response: { status_code: 200, body: response } };
  const { text } = response.output as { text: string };
  const usage = { ...response.usage, total_tokens: response.usage.prompt_tokens + response.usage.completion_tokens };
  const choices = [{ index: 0, text, logprobs: null, finish_reason: "stop" }];
  return { ...base, response: { status_code: 200, body: { object: "text_completion", model: response.model, choices, usage } } };
}

/**
 * An output line for a request that did not run (invalid, cancelled, or
 * its chunk died), so that no input line goes missing from the output.
 *
 * @example
 * formatError("batch_3f9a", 2, "a-2", { code: "batch_cancelled", message: "the batch was cancelled" });
 */
export function formatError(batchId: string, line: number, customId: string | null, error: { code: string; message: string }): OutputLine {
  return { id: requestId(batchId, line), custom_id: customId, response: null, error };
}
