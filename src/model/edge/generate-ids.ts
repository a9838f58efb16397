import type { Decoding, FinishReason } from "../backend";
import { generateTokens, type PickedId, type PickNextToken } from "./generate-tokens";
import type { Gpt2Runner, KvCache } from "./gpt2-runner";
import { logSumExp, topIds } from "./sample-token";
import { createStoppingCriteria } from "./stopping-criteria";
import { createTokenChooser } from "./token-samplers";

/** Token-level generation result. */
export interface GeneratedIds {
  /**
   * Every generated id, the end-of-text id and the ids that spelled a stop
   * string included: vLLM's completion tokens.
   */
  ids: number[];
  /** Decoded text without end-of-text and cut before the stop string. */
  text: string;
  finishReason: FinishReason;
  /** The stop string that ended generation, else null. */
  stopReason: string | null;
  /** One list per id in `ids`, when `topLogprobs` was asked. */
  topLogprobs?: Array<Array<{ id: number; logprob: number }>>;
  /** Log-probability of each id in `ids`, when `tokenLogprobs` or `topLogprobs` was asked. */
  tokenLogprobs?: number[];
}

/** What generation needs besides the model. */
export interface GenerateOptions {
  /** The end-of-text id; -1 when generation should only stop at a stop string or `maxTokens`. */
  eosTokenId: number;
  decode: (ids: readonly number[]) => string;
  signal?: AbortSignal;
  /** Called with the ids so far after each token that does not end the sequence. */
  onToken?: (ids: readonly number[]) => void;
}

interface ChosenId {
  id: number;
  logprob?: number;
  top?: Array<{ id: number; logprob: number }>;
}

/**
 * The edge backend's generation: `generateTokens` over the runner's KV cache,
 * sampling as `decoding` asks and ending by vLLM's rule (see `generateTokens`).
 * Logprobs are the model's own distribution, before temperature or top-k/p, as vLLM reports them.
 *
 * @example
 * await generateIds(runner, [464, 3290], { strategy: "greedy", maxTokens: 6, stop: ["\n"] }, { eosTokenId: 50256, decode });
 * // { ids: [...], text: " is a", finishReason: "stop", stopReason: "\n" }
 */
export async function generateIds(
  runner: Gpt2Runner,
  promptIds: readonly number[],
  decoding: Decoding,
  options: GenerateOptions,
): Promise<GeneratedIds> {
  const choose = createTokenChooser(decoding);
  const wantsLogprobs = Boolean(decoding.tokenLogprobs || decoding.topLogprobs);
  const pick = createModelTokenSource(runner, promptIds, (logits): ChosenId => {
    const id = choose(logits);
    if (!wantsLogprobs) return { id };
    const logSum = logSumExp(logits);
    const logprob = (logits[id] as number) - logSum;
    if (!decoding.topLogprobs) return { id, logprob };
    return {
      id,
      logprob,
      top: topIds(logits, decoding.topLogprobs).map((top) => ({ id: top, logprob: (logits[top] as number) - logSum })),
    };
  });
  const criteria = createStoppingCriteria({ maxTokens: decoding.maxTokens, eosTokenId: options.eosTokenId, stop: decoding.stop });
  const out = await generateTokens(pick, { criteria, decode: options.decode, signal: options.signal, onToken: options.onToken });
  return {
    ids: out.tokens.map((token) => token.id),
    text: out.text,
    finishReason: out.finishReason,
    stopReason: out.stopReason,
    ...(decoding.topLogprobs ? { topLogprobs: out.tokens.map((token) => token.top ?? []) } : {}),
    ...(wantsLogprobs ? { tokenLogprobs: out.tokens.map((token) => token.logprob as number) } : {}),
  };
}

/**
 * A token source for `generateTokens` backed by a GPT-2 runner and its KV
 * cache. The first pick feeds the prompt once (in the runner's chunks, only
 * the last row of logits wanted); every later pick feeds only the token picked
 * before it. The loop stops asking after the last token, so the last token of
 * a finished sequence is never fed.
 *
 * `choose` turns the newest logits into a token. The array is reused between
 * steps: read it during the call, never keep it.
 *
 * @example
 * const choose = createTokenChooser(decoding);
 * const pick = createModelTokenSource(runner, promptIds, (logits) => ({ id: choose(logits) }));
 * const out = await generateTokens(pick, { criteria, decode });
 */
export function createModelTokenSource<T extends PickedId>(
  runner: Gpt2Runner,
  promptIds: readonly number[],
  choose: (logits: Float32Array) => T,
): PickNextToken<T> {
  if (promptIds.length === 0) throw new Error("generation needs at least one prompt token");
  let cache: KvCache | undefined;
  // One buffer for the newest logits: earlier prompt rows are never needed, and a copy per step is 200 kB for GPT-2.
  let next: Float32Array | undefined;
  return async (generatedIds) => {
    const fed = cache === undefined ? promptIds : generatedIds.slice(-1);
    const last = (cache?.length ?? 0) + fed.length - 1;
    let fresh = false;
    cache = await runner.feed(
      fed,
      cache,
      (position, logits) => {
        if (position !== last) return;
        next ??= new Float32Array(logits.length);
        next.set(logits);
        fresh = true;
      },
      { lastOnly: true },
    );
    // Otherwise the previous step's logits would be sampled again without a word.
    if (!fresh || next === undefined) throw new Error("the runner gave no logits for the newest token");
    return choose(next);
  };
}
