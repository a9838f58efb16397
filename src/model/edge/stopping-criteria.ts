import type { FinishReason } from "../backend";

/**
 * Stopping criteria in the transformers.js sense, with vLLM's verdicts: each
 * looks at the sequence after its newest token and either lets it go on or
 * says how it ends and what text it returns.
 */

/** A sequence after its newest token, as the criteria see it. */
export interface GenerationState {
  /** Every id generated so far, the newest last. */
  readonly ids: readonly number[];
  /** The decoded text of `ids`; decoded on first ask, once per step. */
  text(): string;
  /** The decoded text of `ids` without the newest: what the last step had. */
  previousText(): string;
}

/** How a sequence ends. */
export interface StopDecision {
  finishReason: FinishReason;
  /** The stop string that matched, else null (end-of-text and length too), as vLLM's `stop_reason`. */
  stopReason: string | null;
  /** The text the client gets: never the end-of-text token or a stop string. */
  text: string;
}

/**
 * Lets the sequence go on (undefined) or ends it.
 *
 * @example
 * const stopAtNewline: StoppingCriterion = (state) => (state.text().endsWith("\n") ? { finishReason: "stop", stopReason: "\n", text: state.text().slice(0, -1) } : undefined);
 */
export type StoppingCriterion = (state: GenerationState) => StopDecision | undefined;

/**
 * Ends with finish reason "length" once `maxTokens` ids exist, whatever they are.
 *
 * @example
 * createMaxTokensCriterion(2)({ ids: [5, 6], text: () => "ab", previousText: () => "a" }); // { finishReason: "length", stopReason: null, text: "ab" }
 */
export function createMaxTokensCriterion(maxTokens: number): StoppingCriterion {
  return (state) => (state.ids.length >= maxTokens ? { finishReason: "length", stopReason: null, text: state.text() } : undefined);
}

/**
 * Ends with "stop" when the newest id is end-of-text. The id stays a
 * generated token (usage, logprobs); its text is left out.
 *
 * @example
 * createEndOfTextCriterion(50256)({ ids: [5, 50256], text: () => "a<|endoftext|>", previousText: () => "a" }); // text "a"
 */
export function createEndOfTextCriterion(eosTokenId: number): StoppingCriterion {
  return (state) => (state.ids.at(-1) === eosTokenId ? { finishReason: "stop", stopReason: null, text: state.previousText() } : undefined);
}

/**
 * Ends with "stop" when a stop string completes on the newest token; the
 * text is cut before it. Like vLLM's detokenizer, each stop in list order is
 * sought only where it could end in the newly decoded characters, so the
 * first stop in the list that completes now wins, even when another stop
 * starts earlier in the text. An empty stop never matches (vLLM refuses one).
 *
 * @example
 * const stop = createStopStringCriterion(["B", "AB"]);
 * stop({ ids: [1, 2], text: () => "xAB", previousText: () => "x" }); // { finishReason: "stop", stopReason: "B", text: "xA" }
 */
export function createStopStringCriterion(stops: readonly string[]): StoppingCriterion {
  const wanted = stops.filter((stop) => stop.length > 0);
  return (state) => {
    if (wanted.length === 0) return undefined;
    const text = state.text();
    const previousLength = state.previousText().length;
    for (const stop of wanted) {
      // A stop that ended before the new characters was already checked a step ago.
      const index = text.indexOf(stop, Math.max(0, previousLength - stop.length + 1));
      if (index >= 0) return { finishReason: "stop", stopReason: stop, text: text.slice(0, index) };
    }
    return undefined;
  };
}

/** What ends a sequence, in request terms. */
export interface StoppingOptions {
  maxTokens: number;
  /** The end-of-text id; -1 when the model has none. */
  eosTokenId: number;
  stop?: readonly string[];
}

/**
 * The criteria in vLLM's order: end-of-text, then stop strings, then length,
 * so a stop on the last allowed token still finishes with "stop".
 *
 * @example
 * createStoppingCriteria({ maxTokens: 16, eosTokenId: 50256, stop: ["\n"] }); // 3 criteria
 */
export function createStoppingCriteria(options: StoppingOptions): StoppingCriterion[] {
  return [
    createEndOfTextCriterion(options.eosTokenId),
    createStopStringCriterion(options.stop ?? []),
    createMaxTokensCriterion(options.maxTokens),
  ];
}
