import { randomBytes } from "node:crypto";
import type { CompletionRequest } from "./completion-request";
import { generateChoices, sumUsage, type CompletionUsage, type GeneratedChoice, type ServedModel } from "./create-completion";
import type { CompletionEngine, FinishReason } from "./engine";
import { countCodePoints, describeGeneratedEntry, describePromptEntries, formatLogprobs, type CompletionLogprobs } from "./format-logprobs";

/**
 * The `data:` payloads of a streamed completion, as vLLM's
 * `completion_stream_generator` yields them: one chunk per generated token
 * and choice (the echoed prompt rides on a choice's first chunk), the
 * finish reason on each choice's last chunk, then, with
 * `stream_options.include_usage`, a chunk with no choices and the usage.
 */

/** vLLM's `CompletionResponseStreamChoice` (without the opt-in token id fields). */
export interface StreamChoice {
  index: number;
  text: string;
  logprobs: CompletionLogprobs | null;
  finish_reason: FinishReason | null;
  stop_reason: string | null;
}

/** vLLM's `CompletionStreamResponse`; `usage` is null except as stream_options ask. */
export interface StreamChunk {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: StreamChoice[];
  usage?: CompletionUsage | null;
}

function commonPrefixLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length += 1;
  return length;
}

/**
 * Text deltas per token: each token releases what it adds to the final text,
 * so a stop string or a half-decoded character is never sent and the deltas
 * always join to exactly the non-streamed text.
 */
function describeDeltas(request: CompletionRequest, choice: GeneratedChoice, engine: CompletionEngine): StreamChoice[] {
  const { prompt, scored, result } = choice;
  const promptEntries = request.echo ? describePromptEntries(prompt.ids, scored, engine) : [];
  const wantLogprobs = request.logprobs !== null;
  if (request.echo && request.maxTokens === 0) {
    const logprobs = wantLogprobs ? formatLogprobs(promptEntries) : null;
    return [{ index: choice.index, text: prompt.text, logprobs, finish_reason: result.finishReason, stop_reason: result.stopReason }];
  }
  const deltas: StreamChoice[] = [];
  let sent = 0;
  let offset = 0;
  result.tokens.forEach((token, position) => {
    const last = position === result.tokens.length - 1;
    const decoded = engine.detokenize(result.tokens.slice(0, position + 1).map(({ id }) => id));
    const upTo = last ? result.text.length : Math.max(sent, commonPrefixLength(decoded, result.text));
    const echoed = request.echo && position === 0 ? prompt.text : "";
    const text = echoed + result.text.slice(sent, upTo);
    const entries = [...(position === 0 ? promptEntries : []), describeGeneratedEntry(token)];
    deltas.push({
      index: choice.index,
      text,
      logprobs: wantLogprobs ? formatLogprobs(entries, offset) : null,
      finish_reason: last ? result.finishReason : null,
      stop_reason: last ? result.stopReason : null,
    });
    sent = upTo;
    offset += countCodePoints(text);
  });
  return deltas;
}

/**
 * Generates the completion and returns its chunks in sending order (the
 * `data: [DONE]` terminator is the sender's job).
 *
 * @example
 * const chunks = await buildStreamChunks(parseCompletionRequest({ prompt: "Hi", stream: true }), served);
 * chunks.at(-1)?.choices[0]?.finish_reason; // "length"
 */
export async function buildStreamChunks(request: CompletionRequest, served: ServedModel): Promise<StreamChunk[]> {
  const generated = await generateChoices(request, served);
  const header = {
    id: `cmpl-${randomBytes(16).toString("hex")}`,
    object: "text_completion" as const,
    created: Math.floor(Date.now() / 1000),
    model: served.modelName,
  };
  const continuous = request.streamOptions?.continuousUsage ?? false;
  const chunks: StreamChunk[] = generated.flatMap((choice) =>
    describeDeltas(request, choice, served.engine).map((delta, position) => {
      const completionTokens = position + 1;
      const usage = continuous
        ? {
            prompt_tokens: choice.prompt.ids.length,
            total_tokens: choice.prompt.ids.length + completionTokens,
            completion_tokens: completionTokens,
          }
        : null;
      return { ...header, choices: [delta], usage };
    }),
  );
  // vLLM dumps this last chunk with exclude_none, so it has no null fields.
  if (request.streamOptions?.includeUsage) chunks.push({ ...header, choices: [], usage: sumUsage(generated) });
  return chunks;
}
