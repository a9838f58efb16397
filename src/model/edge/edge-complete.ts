import type { Decoding } from "../backend";
import type { CompletionChoice, CompletionLogprobs, CompletionOptions, CompletionRequest, CompletionResult } from "../completion";
import type { Tokenizer } from "../tokenizer";
import { generateIds, type GeneratedIds } from "./generate-ids";
import type { Gpt2Runner } from "./gpt2-runner";
import { scoreIds } from "./score-ids";

/** vLLM treats temperatures below this as greedy. */
const GREEDY_BELOW = 1e-5;

/** The loaded model and how to read and write its tokens. */
export interface EdgeCompleter {
  runner: Gpt2Runner;
  tokenizer: Tokenizer;
  eosTokenId: number;
}

/**
 * `InferenceBackend.complete` on the in-Worker model, answering as vLLM
 * would: n sequences per prompt (the i-th seeded one with `seed + i`), echo
 * with the prompt's logprobs (the first prompt token has none; prompt
 * positions list only their own token as the alternative), the chosen
 * token's logprob plus the top `logprobs` alternatives, and vLLM's stop
 * rule. With `onDelta` it streams token by token, holding back text that
 * could still turn into a stop string or is half a character.
 *
 * @example
 * const result = await completeOnEdge({ runner, tokenizer: gpt2Tokenizer, eosTokenId: 50256 }, request, { onDelta: send });
 */
export async function completeOnEdge(
  model: EdgeCompleter,
  request: CompletionRequest,
  options: CompletionOptions = {},
): Promise<CompletionResult> {
  const choices: CompletionChoice[] = [];
  let promptTokens = 0;
  let completionTokens = 0;
  for (const [promptIndex, prompt] of request.prompts.entries()) {
    const ids = typeof prompt === "string" ? model.tokenizer.encode(prompt) : prompt;
    const promptText = typeof prompt === "string" ? prompt : model.tokenizer.decode(prompt);
    promptTokens += ids.length;
    const echoed = request.echo ? await echoPrompt(model, ids, promptText, request.logprobs) : undefined;
    for (let sample = 0; sample < request.n; sample += 1) {
      const index = promptIndex * request.n + sample;
      const decoding = toDecoding(request, sample);
      const stream = options.onDelta && createTextStream(index, request.stop ?? [], options.onDelta);
      if (echoed && options.onDelta)
        options.onDelta({ index, text: echoed.text, finishReason: null, ...(echoed.logprobs ? { logprobs: echoed.logprobs } : {}) });
      const out = await generateIds(model.runner, ids, decoding, {
        eosTokenId: model.eosTokenId,
        decode: model.tokenizer.decode,
        signal: options.signal,
        onToken: stream && ((generated) => stream.push(model.tokenizer.decode(generated), false)),
      });
      completionTokens += out.ids.length;
      const generated = request.logprobs !== undefined ? describeGenerated(model.tokenizer, out, (echoed?.text ?? "").length) : undefined;
      stream?.push(out.text, true, out.finishReason);
      choices.push({
        index,
        text: (echoed?.text ?? "") + out.text,
        finishReason: out.finishReason,
        ...(request.logprobs !== undefined ? { logprobs: joinLogprobs(echoed?.logprobs, generated as CompletionLogprobs) } : {}),
      });
    }
  }
  return { choices, usage: { promptTokens, completionTokens } };
}

function toDecoding(request: CompletionRequest, sample: number): Decoding {
  const greedy = request.temperature < GREEDY_BELOW;
  return {
    strategy: greedy ? "greedy" : "sample",
    maxTokens: request.maxTokens,
    ...(greedy ? {} : { temperature: request.temperature }),
    ...(!greedy && request.topK !== undefined && request.topK > 0 ? { topK: request.topK } : {}),
    ...(!greedy && request.topP !== undefined ? { topP: request.topP } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
    ...(request.seed !== undefined ? { seed: request.seed + sample } : {}),
    ...(request.logprobs !== undefined ? { tokenLogprobs: true, ...(request.logprobs > 0 ? { topLogprobs: request.logprobs } : {}) } : {}),
  };
}

/** The prompt as an echo: its text and, when asked, each token's logprob given the ones before. */
async function echoPrompt(
  model: EdgeCompleter,
  ids: number[],
  text: string,
  logprobs: number | undefined,
): Promise<{ text: string; logprobs?: CompletionLogprobs }> {
  if (logprobs === undefined) return { text };
  const scored = ids.length > 1 ? ((await scoreIds(model.runner, [{ ids, from: 1 }]))[0] ?? []) : [];
  const tokens = ids.map((id) => model.tokenizer.decode([id]));
  const tokenLogprobs = [null, ...scored];
  return {
    text,
    logprobs: {
      tokens,
      tokenLogprobs,
      topLogprobs: tokens.map((token, at) => (at === 0 ? null : { [token]: tokenLogprobs[at] as number })),
      textOffset: offsetsOf(tokens, 0),
    },
  };
}

function describeGenerated(tokenizer: Tokenizer, out: GeneratedIds, startOffset: number): CompletionLogprobs {
  const tokens = out.ids.map((id) => tokenizer.decode([id]));
  return {
    tokens,
    tokenLogprobs: out.tokenLogprobs ?? [],
    topLogprobs: out.ids.map((_, at) => {
      const top = Object.fromEntries((out.topLogprobs?.[at] ?? []).map((entry) => [tokenizer.decode([entry.id]), entry.logprob]));
      return { ...top, [tokens[at] as string]: out.tokenLogprobs?.[at] as number };
    }),
    textOffset: offsetsOf(tokens, startOffset),
  };
}

function joinLogprobs(first: CompletionLogprobs | undefined, second: CompletionLogprobs): CompletionLogprobs {
  if (!first) return second;
  return {
    tokens: [...first.tokens, ...second.tokens],
    tokenLogprobs: [...first.tokenLogprobs, ...second.tokenLogprobs],
    topLogprobs: [...first.topLogprobs, ...second.topLogprobs],
    textOffset: [...first.textOffset, ...second.textOffset],
  };
}

function offsetsOf(tokens: string[], start: number): number[] {
  let at = start;
  return tokens.map((token) => {
    const offset = at;
    at += token.length;
    return offset;
  });
}

/**
 * Streams one sequence's text: each push sends what is new and safe. Until
 * the end, the last `longest stop - 1` characters stay back (they may begin
 * a stop string that must never reach the client) and so does a trailing
 * half character (U+FFFD while a multi-byte character is incomplete).
 */
function createTextStream(index: number, stops: readonly string[], onDelta: NonNullable<CompletionOptions["onDelta"]>) {
  const holdBack = Math.max(0, ...stops.map((stop) => stop.length - 1));
  let sent = 0;
  return {
    push(text: string, final: boolean, finishReason: CompletionChoice["finishReason"] = null): void {
      let safe = final ? text.length : Math.max(sent, text.length - holdBack);
      while (!final && safe > sent && text.charCodeAt(safe - 1) === 0xfffd) safe -= 1;
      if (safe <= sent && !final) return;
      onDelta({ index, text: text.slice(sent, safe), finishReason: final ? finishReason : null });
      sent = Math.max(sent, safe);
    },
  };
}
