import { describeFirstIssue } from "../../errors/describe-issue";
import { APICallError } from "../api-call-error";
import { parseCompletion, sendCompletionRequest, type CompletionTarget } from "./post-completion";
import { readSseEvents, type SseEvent } from "./read-sse";
import { readUpstreamError } from "./upstream-error";
import { completionChunkSchema, type CompletionChoice, type CompletionChunk, type CompletionResponse } from "./wire";

/**
 * POSTs a `/v1/completions` request with `stream: true` and assembles the
 * server-sent chunks into the response a non-streaming request would have
 * got (text, finish reason, usage, logprobs). Only a stream that finished
 * every choice and ended with `data: [DONE]` counts: one that is cut off,
 * ends early, carries a malformed chunk or an error event, or never gives a
 * finish reason throws a retryable `APICallError` with failure `stream`
 * ("stream cut off: ...", `details.partial_text_chars`), never a shorter
 * answer. A stall past the timeout is a `timeout`, as in `postCompletion`.
 * `onChunk` sees each chunk as it arrives, for callers that pass it on.
 *
 * @example
 * const response = await streamCompletion(target, buildGenerateBody("gpt2", "Once", { strategy: "greedy", maxTokens: 8 }));
 * response.choices[0].text; // the whole generation
 */
export function streamCompletion(
  target: CompletionTarget,
  body: Record<string, unknown>,
  signal?: AbortSignal,
  onChunk?: (chunk: CompletionChunk) => void,
): Promise<CompletionResponse> {
  const streamed = { ...body, stream: true, stream_options: { include_usage: true } };
  return sendCompletionRequest(target, streamed, signal, async (response, combined) => {
    // Servers that ignore `stream` (or answer n != best_of whole, as vLLM does) send plain JSON.
    if (response.headers.get("content-type")?.includes("application/json")) {
      return parseCompletion(target, await response.text());
    }
    if (!response.body) throw cutOff(target.backendId, new Map(), "the response has no body");
    return assembleStream(target.backendId, readSseEvents(response.body, combined), combined, onChunk);
  });
}

async function assembleStream(
  backendId: string,
  events: AsyncIterable<SseEvent>,
  signal: AbortSignal,
  onChunk: ((chunk: CompletionChunk) => void) | undefined,
): Promise<CompletionResponse> {
  const choices = new Map<number, CompletionChoice>();
  let usage: CompletionChunk["usage"];
  let done = false;
  try {
    for await (const event of events) {
      if (event.data === "[DONE]") {
        done = true;
        break;
      }
      const chunk = parseChunk(backendId, choices, event);
      usage = chunk.usage ?? usage;
      onChunk?.(chunk);
      for (const delta of chunk.choices) mergeDelta(choices, delta);
    }
  } catch (error) {
    // An abort is the caller's timeout or cancellation; sendCompletionRequest names it.
    if (error instanceof APICallError || signal.aborted) throw error;
    throw cutOff(backendId, choices, `connection lost (${(error as Error).message})`, error);
  }
  if (!done) throw cutOff(backendId, choices, "the stream ended without data: [DONE]");
  const finished = [...choices.values()].sort((a, b) => a.index - b.index);
  if (finished.length === 0 || finished.some((choice) => !choice.finish_reason)) {
    throw cutOff(backendId, choices, "data: [DONE] came before a finish_reason");
  }
  return { choices: finished, usage };
}

function parseChunk(backendId: string, choices: Map<number, CompletionChoice>, event: SseEvent): CompletionChunk {
  // llama.cpp names error events; vLLM sends `{"error": {...}}` (older: `{"object": "error", "message"}`), TGI `{"error": "..."}`.
  if (event.event === "error") throw cutOff(backendId, choices, `server error: ${event.data.slice(0, 200)}`);
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch {
    throw cutOff(backendId, choices, `malformed chunk: not JSON (${event.data.slice(0, 80)})`);
  }
  const failure = readUpstreamError(json);
  if (failure !== undefined) throw cutOff(backendId, choices, `server error: ${failure}`);
  const parsed = completionChunkSchema.safeParse(json);
  if (!parsed.success) throw cutOff(backendId, choices, `malformed chunk: ${describeFirstIssue(parsed.error).message}`);
  return parsed.data;
}

/** Appends one choice's delta: text and logprob lists concatenate; a non-empty finish reason sticks. */
function mergeDelta(choices: Map<number, CompletionChoice>, delta: CompletionChoice): void {
  const known = choices.get(delta.index) ?? { index: delta.index, text: "", finish_reason: null };
  known.text += delta.text;
  if (delta.finish_reason) known.finish_reason = delta.finish_reason;
  if (delta.logprobs) {
    const added = delta.logprobs;
    const lists = known.logprobs ?? { tokens: [], token_logprobs: [], text_offset: [], top_logprobs: [] };
    lists.tokens.push(...added.tokens);
    lists.token_logprobs.push(...added.token_logprobs);
    lists.text_offset.push(...added.text_offset);
    lists.top_logprobs = [...(lists.top_logprobs ?? []), ...(added.top_logprobs ?? added.tokens.map(() => null))];
    known.logprobs = lists;
  }
  choices.set(delta.index, known);
}

function cutOff(backendId: string, choices: Map<number, CompletionChoice>, reason: string, cause?: unknown): APICallError {
  let partialTextChars = 0;
  for (const choice of choices.values()) partialTextChars += choice.text.length;
  return new APICallError({
    backend: backendId,
    failure: "stream",
    message: `stream cut off: ${reason}`,
    details: { partial_text_chars: partialTextChars },
    isRetryable: true,
    cause,
  });
}
