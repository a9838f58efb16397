import { ApiError } from "../errors/api-error";
import type { Tokenizer } from "../model/tokenizer";
import type { Truncation } from "./types";

/** Text cut to a token budget, with how many tokens were dropped. */
export interface FittedText {
  text: string;
  dropped: number;
}

/**
 * Cuts `text` to at most `maxTokens` GPT-2 tokens, keeping its start (an
 * article's lead) or its end (the words right before a prediction).
 *
 * @example
 * fitTokens(gpt2Tokenizer, longArticle, 900, "start"); // { text: "...", dropped: 312 }
 */
export function fitTokens(tokenizer: Tokenizer, text: string, maxTokens: number, keep: "start" | "end"): FittedText {
  const ids = tokenizer.encode(text);
  if (ids.length <= maxTokens) return { text, dropped: 0 };
  const budget = Math.max(0, maxTokens);
  const kept = keep === "start" ? ids.slice(0, budget) : ids.slice(ids.length - budget);
  // A character split between kept and dropped tokens decodes to U+FFFD; it goes with the dropped part.
  const decoded = tokenizer.decode(kept);
  const cut = keep === "start" ? decoded.replace(/\uFFFD+$/, "") : decoded.replace(/^\uFFFD+/, "");
  return { text: cut, dropped: ids.length - budget };
}

/**
 * Cuts the truncatable `text` until the whole prompt `compose(text)` is at
 * most `maxTokens` tokens by its real count: BPE merges across the seams can
 * make a prompt a token or two longer than the sum of its parts. Returns
 * `null` when even `minTokens` of text (or all of it, when shorter) do not fit.
 *
 * @example
 * fitPrompt(gpt2Tokenizer, article, "start", 924, (text) => `${text}\nTL;DR:`); // { text: "...", dropped: 40 }
 */
export function fitPrompt(
  tokenizer: Tokenizer,
  text: string,
  keep: "start" | "end",
  maxTokens: number,
  compose: (text: string) => string,
  minTokens = 1,
): FittedText | null {
  return fitMeasured(tokenizer, text, keep, maxTokens, (cut) => tokenizer.count(compose(cut)), minTokens);
}

/**
 * Like `fitPrompt`, for prompts measured some other way than one string's
 * token count (several score requests sharing the cut text).
 *
 * @example
 * fitMeasured(gpt2Tokenizer, context, "end", 1023, (cut) => longestRequestTokens(cut)); // { text: "...", dropped: 7 }
 */
export function fitMeasured(
  tokenizer: Tokenizer,
  text: string,
  keep: "start" | "end",
  maxTokens: number,
  measure: (text: string) => number,
  minTokens = 1,
): FittedText | null {
  const floor = Math.min(minTokens, tokenizer.count(text));
  let budget = maxTokens - measure("");
  while (budget >= floor) {
    const fitted = fitTokens(tokenizer, text, budget, keep);
    const excess = measure(fitted.text) - maxTokens;
    if (excess <= 0) return fitted;
    budget -= excess;
  }
  return null;
}

/**
 * Keeps as many of `items` (already formatted) as fit in `maxTokens`, in
 * order, stopping at the first that does not fit.
 *
 * @example
 * packItems(gpt2Tokenizer, ["Q: a\nA: b\n\n", "Q: c\nA: d\n\n"], 10); // { items: [...], dropped: 1 }
 */
export function packItems(tokenizer: Tokenizer, items: readonly string[], maxTokens: number): { items: string[]; dropped: number } {
  const kept: string[] = [];
  let used = 0;
  for (const item of items) {
    const cost = tokenizer.count(item);
    if (used + cost > maxTokens) break;
    kept.push(item);
    used += cost;
  }
  return { items: kept, dropped: items.length - kept.length };
}

/**
 * Packs the leading `items` into the prompt `compose(items)` so that its real
 * token count is at most `maxTokens`; `null` when the prompt does not fit even
 * without any item.
 *
 * @example
 * packPrompt(gpt2Tokenizer, pairs, 960, (kept) => `${kept.join("")}Q: ${question}\nA:`); // { items: [...], dropped: 2 }
 */
export function packPrompt(
  tokenizer: Tokenizer,
  items: readonly string[],
  maxTokens: number,
  compose: (items: readonly string[]) => string,
): { items: string[]; dropped: number } | null {
  if (countUtf8Bytes(compose(items)) <= maxTokens) return { items: [...items], dropped: 0 };
  const fixed = tokenizer.count(compose([]));
  if (fixed > maxTokens) return null;
  const { items: kept } = packItems(tokenizer, items, maxTokens - fixed);
  while (kept.length > 0 && tokenizer.count(compose(kept)) > maxTokens) kept.pop();
  return { items: kept, dropped: items.length - kept.length };
}

/**
 * GPT-2's BPE is byte-level: every token covers at least one UTF-8 byte, so a
 * prompt of at most `maxTokens` bytes fits without tokenizing it (the usual
 * short question skips the tokenizer entirely).
 */
function countUtf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // 2 bytes below U+0800, 3 above; a surrogate pair is 4 bytes for its 2 units.
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

/** Records a truncation only when something was dropped. */
export function noteTruncation(list: Truncation[], field: string, dropped: number, unit: Truncation["unit"]): void {
  if (dropped > 0) list.push({ field, dropped, unit });
}

/**
 * The error for an input whose uncuttable part (a question, an instruction
 * suffix, the text to translate) leaves no room in the context window.
 *
 * @example
 * throw inputTooLong("question", 1024, 32);
 */
export function inputTooLong(field: string, contextTokens: number, reservedTokens: number): ApiError {
  return new ApiError(
    "input_too_long",
    `'${field}' does not fit in the ${contextTokens}-token context window with ${reservedTokens} of its tokens reserved for the model's output`,
    { path: [field], contextTokens, reservedTokens },
  );
}

/**
 * Tokens a scoring request takes, whether the backend joins context and
 * continuation or tokenizes them apart.
 *
 * @example
 * countRequest(tokenizer, { context: "The cat sat on the", continuation: " mat." }); // 7
 */
export function countRequest(tokenizer: Tokenizer, request: { context: string; continuation: string }): number {
  const apart = tokenizer.count(request.context) + tokenizer.count(request.continuation);
  return Math.max(apart, tokenizer.count(request.context + request.continuation));
}
