import type { FinishReason } from "../backend";
import type { GenerationState, StoppingCriterion } from "./stopping-criteria";

/** Any token a source picks: its id, plus whatever the caller reports with it (logprobs). */
export interface PickedId {
  id: number;
}

/**
 * Picks the next token given the ids generated so far; where the logits come
 * from (a model and its KV cache, a script) is the source's business.
 *
 * @example
 * const script: PickNextToken<PickedId> = (ids) => ({ id: [464, 3290][ids.length] ?? 50256 });
 */
export type PickNextToken<T extends PickedId> = (generatedIds: readonly number[]) => T | Promise<T>;

/** What the loop needs besides the token source. */
export interface GenerateTokensOptions {
  /** Asked in order after every token (and once before the first); the first to answer ends the sequence. */
  criteria: readonly StoppingCriterion[];
  decode: (ids: readonly number[]) => string;
  signal?: AbortSignal;
  /** Called after each token that does not end the sequence, e.g. to stream its text. */
  onToken?: (ids: readonly number[]) => void;
}

/** A finished sequence. */
export interface GeneratedTokens<T extends PickedId> {
  /** Every picked token, end-of-text and the tokens that spelled a stop string included. */
  tokens: T[];
  /** The generated text without end-of-text or the stop string. */
  text: string;
  finishReason: FinishReason;
  /** The stop string that ended the sequence, else null. */
  stopReason: string | null;
}

/**
 * The one generation loop (the Worker's edge backend and the reference
 * completions server both run it): pick a token, then ask the stopping criteria.
 *
 * The rule for how a sequence ends is vLLM's, so a client gets the same text
 * and usage whichever backend served it:
 * - a stop string ends the sequence on the token that completes it; stops are
 *   checked in list order against the newly decoded characters, so the first
 *   stop in the list completing on the newest token wins (not the one earliest
 *   in the text), and the text is cut before it;
 * - the end-of-text token ends the sequence with finish reason "stop";
 * - the end-of-text token and the tokens that spelled a stop string are
 *   generated tokens: they count in completion tokens and logprobs, but their
 *   text never appears in `text`;
 * - end-of-text and stop strings take precedence over the length limit.
 * (Those are the criteria of `createStoppingCriteria`; the loop only asks them.)
 *
 * @example
 * const out = await generateTokens((ids) => ({ id: ids.length < 2 ? 65 : 50256 }), { criteria: createStoppingCriteria({ maxTokens: 8, eosTokenId: 50256 }), decode });
 * // { tokens: [{ id: 65 }, { id: 65 }, { id: 50256 }], text: "bb", finishReason: "stop", stopReason: null }
 */
export async function generateTokens<T extends PickedId>(
  pick: PickNextToken<T>,
  options: GenerateTokensOptions,
): Promise<GeneratedTokens<T>> {
  const tokens: T[] = [];
  const ids: number[] = [];
  // Each step's text becomes the next step's previous text, so a step decodes at most once.
  let previous: string | undefined;
  let current: string | undefined;
  const state: GenerationState = {
    ids,
    text: () => (current ??= options.decode(ids)),
    previousText: () => (previous ??= options.decode(ids.slice(0, -1))),
  };
  const decide = () => {
    for (const criterion of options.criteria) {
      const decision = criterion(state);
      if (decision) return decision;
    }
    return undefined;
  };
  // Asked before the first token too, so a zero-token budget generates (and feeds) nothing.
  let decision = decide();
  while (!decision) {
    if (options.signal?.aborted) throw new Error("generation cancelled");
    const token = await pick(ids);
    previous = current;
    current = undefined;
    tokens.push(token);
    ids.push(token.id);
    decision = decide();
    if (!decision) options.onToken?.(ids);
  }
  return { tokens, ...decision };
}
