import type { Decoding, FinishReason } from "../backend";
import type { Gpt2Runner } from "./gpt2-runner";
import { createRng, logSumExp, pickToken, topIds } from "./sample-token";

/** Token-level generation result. */
export interface GeneratedIds {
  ids: number[];
  /** Decoded text, cut before the first stop string. */
  text: string;
  finishReason: FinishReason;
  topLogprobs?: Array<Array<{ id: number; logprob: number }>>;
  /** Log-probability of each generated id, when `tokenLogprobs` or `topLogprobs` was asked. */
  tokenLogprobs?: number[];
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
  const wantsLogprobs = Boolean(decoding.tokenLogprobs || decoding.topLogprobs);
  // One reused buffer for the newest logits; earlier prompt positions are never needed.
  let next: Float32Array | undefined;
  let lastPosition = promptIds.length - 1;
  const keepLast = (position: number, logits: Float32Array) => {
    if (position !== lastPosition) return;
    next ??= new Float32Array(logits.length);
    next.set(logits);
  };
  let cache = await runner.feed(promptIds, undefined, keepLast, { lastOnly: true });
  const ids: number[] = [];
  const alternatives: Array<Array<{ id: number; logprob: number }>> = [];
  const chosen: number[] = [];
  const finish = (finishReason: FinishReason, text = options.decode(ids)): GeneratedIds => ({
    ids,
    text,
    finishReason,
    ...(decoding.topLogprobs ? { topLogprobs: alternatives } : {}),
    ...(wantsLogprobs ? { tokenLogprobs: chosen } : {}),
  });
  while (ids.length < decoding.maxTokens) {
    if (options.signal?.aborted) throw new Error("generation cancelled");
    const logits = next as Float32Array;
    const id = pickToken(logits, decoding, rng);
    if (wantsLogprobs) {
      const logSum = logSumExp(logits);
      chosen.push((logits[id] as number) - logSum);
      if (decoding.topLogprobs) {
        alternatives.push(topIds(logits, decoding.topLogprobs).map((top) => ({ id: top, logprob: (logits[top] as number) - logSum })));
      }
    }
    if (id === options.eosTokenId) return finish("stop");
    ids.push(id);
    if (decoding.stop?.length) {
      const stopped = cutAtStop(options.decode(ids), decoding.stop);
      if (stopped !== undefined) return finish("stop", stopped);
    }
    if (ids.length < decoding.maxTokens) {
      lastPosition = cache.length;
      cache = await runner.feed([id], cache, keepLast, { lastOnly: true });
    }
  }
  return finish("length");
}

/** The text before the earliest stop string, or undefined when none occurs. */
function cutAtStop(text: string, stops: readonly string[]): string | undefined {
  let cut: number | undefined;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (cut === undefined || at < cut)) cut = at;
  }
  return cut === undefined ? undefined : text.slice(0, cut);
}
