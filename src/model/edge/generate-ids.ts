import type { Decoding, FinishReason } from "../backend";
import type { Gpt2Runner } from "./gpt2-runner";
import { createRng, logSoftmax, pickToken, topIds } from "./sample-token";

/** Token-level generation result. */
export interface GeneratedIds {
  ids: number[];
  /** Decoded text, cut before the first stop string. */
  text: string;
  finishReason: FinishReason;
  topLogprobs?: Array<Array<{ id: number; logprob: number }>>;
}

/** What generation needs besides the model. */
export interface GenerateOptions {
  eosTokenId: number;
  decode: (ids: readonly number[]) => string;
  signal?: AbortSignal;
}

/**
 * Incremental decoding with the KV cache: the prompt is fed once (in chunks),
 * then each step feeds only the new token. Ends at end-of-text, at a stop
 * string (removed from the text, as vLLM does) or after `maxTokens`.
 *
 * @example
 * await generateIds(runner, [464, 3290], { strategy: "greedy", maxTokens: 6 }, { eosTokenId: 50256, decode });
 */
export async function generateIds(
  runner: Gpt2Runner,
  promptIds: readonly number[],
  decoding: Decoding,
  options: GenerateOptions,
): Promise<GeneratedIds> {
  if (promptIds.length === 0) throw new Error("generation needs at least one prompt token");
  const rng = createRng(decoding.seed ?? Math.floor(Math.random() * 2 ** 32));
  let next: Float32Array = new Float32Array(0);
  const keepLast = (_: number, logits: Float32Array) => {
    next = logits.slice();
  };
  let cache = await runner.feed(promptIds, undefined, keepLast);
  const ids: number[] = [];
  const alternatives: Array<Array<{ id: number; logprob: number }>> = [];
  while (ids.length < decoding.maxTokens) {
    if (options.signal?.aborted) throw new Error("generation cancelled");
    if (decoding.topLogprobs) {
      const logprobs = logSoftmax(next);
      alternatives.push(topIds(logprobs, decoding.topLogprobs).map((id) => ({ id, logprob: logprobs[id] as number })));
    }
    const id = pickToken(next, decoding, rng);
    if (id === options.eosTokenId) return finish(ids, "stop", options, alternatives, decoding);
    ids.push(id);
    const stopped = cutAtStop(options.decode(ids), decoding.stop);
    if (stopped !== undefined) return { ...finish(ids, "stop", options, alternatives, decoding), text: stopped };
    if (ids.length < decoding.maxTokens) cache = await runner.feed([id], cache, keepLast);
  }
  return finish(ids, "length", options, alternatives, decoding);
}

function finish(
  ids: number[],
  finishReason: FinishReason,
  options: GenerateOptions,
  alternatives: Array<Array<{ id: number; logprob: number }>>,
  decoding: Decoding,
): GeneratedIds {
  return {
    ids,
    text: options.decode(ids),
    finishReason,
    ...(decoding.topLogprobs ? { topLogprobs: alternatives } : {}),
  };
}

/** The text before the earliest stop string, or undefined when none occurs. */
function cutAtStop(text: string, stops: readonly string[] | undefined): string | undefined {
  let cut: number | undefined;
  for (const stop of stops ?? []) {
    const at = text.indexOf(stop);
    if (at >= 0 && (cut === undefined || at < cut)) cut = at;
  }
  return cut === undefined ? undefined : text.slice(0, cut);
}
