import { splitPythonWhitespace } from "./python-whitespace";

/**
 * Exact match and token F1 between a predicted answer and gold answers, as the
 * official SQuAD v2.0 evaluation script and CoQA's official script (which
 * copies SQuAD v2.0's functions) compute them. The GPT-2 paper reports CoQA
 * F1 and Natural Questions exact match with these definitions.
 *
 * One deliberate choice between the script versions: when the prediction or
 * the gold answer normalizes to nothing, F1 is 100 if both do and 0 otherwise
 * (SQuAD v2.0 and CoQA). SQuAD v1.1's script gave 0 even when both were
 * empty. That only happens when both are nothing but articles, punctuation or
 * whitespace (CoQA spells its unanswerable gold as "unknown"), and v2.0's rule
 * is the one CoQA's official script applies.
 */

// Python's string.punctuation: ASCII only. Curly quotes, dashes and other
// Unicode punctuation survive normalization in the official scripts too.
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

// Python's `\b(a|an|the)\b` with re.UNICODE, where a word character is any
// letter, any number or "_". JavaScript's \b only knows ASCII word characters
// and would strip the "an" of "anéantir", so the boundaries are spelled out.
const ARTICLE = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/**
 * The official scripts' normalize_answer: lowercase, drop ASCII punctuation,
 * replace the articles "a", "an" and "the" with spaces, and collapse
 * whitespace.
 *
 * @example
 * normalizeAnswer("The  Eiffel-Tower!"); // "eiffeltower"
 * normalizeAnswer("An apple a day"); // "apple day"
 */
export function normalizeAnswer(text: string): string {
  const withoutPunctuation = text.toLowerCase().replace(ASCII_PUNCTUATION, "");
  return splitPythonWhitespace(withoutPunctuation.replace(ARTICLE, " ")).join(" ");
}

/**
 * Exact match on the 0-100 scale: 100 when the normalized prediction equals
 * the normalized form of any gold answer, else 0 (SQuAD's max over golds).
 *
 * @example
 * computeExactMatch("the Eiffel Tower.", ["Eiffel Tower", "tower"]); // 100
 */
export function computeExactMatch(prediction: string, goldAnswers: readonly string[]): number {
  return 100 * maxOverGolds(goldAnswers, (gold) => exactMatchOne(prediction, gold));
}

/**
 * Token F1 on the 0-100 scale: the best, over gold answers, of the harmonic
 * mean of precision and recall of normalized tokens, counting each token as
 * often as it occurs in both (SQuAD's Counter intersection).
 *
 * @example
 * computeTokenF1("in the Eiffel Tower", ["Eiffel Tower"]); // 80 (P = 2/3, R = 1)
 */
export function computeTokenF1(prediction: string, goldAnswers: readonly string[]): number {
  return 100 * maxOverGolds(goldAnswers, (gold) => tokenF1One(prediction, gold));
}

/**
 * One CoQA turn's scores on the 0-100 scale, as the official CoQA script's
 * `_compute_turn_score` gives them. With several gold answers (CoQA's dev set
 * has four per turn) each gold in turn is left out and the prediction is
 * scored by its max against the others, then the results are averaged: the
 * same leave-one-out protocol the script uses for human performance, so model
 * and human figures compare. A prediction equal to one gold answer can
 * therefore score below 100. With one gold answer it is plain max-over-golds.
 *
 * @example
 * computeCoqaTurnScores("white", ["white", "blue", "white and blue", "red"]);
 * // { exactMatch: 75, f1: 87.5 } (leaving out "white" leaves "white and blue" as the best, F1 50)
 */
export function computeCoqaTurnScores(prediction: string, goldAnswers: readonly string[]): { exactMatch: number; f1: number } {
  if (goldAnswers.length <= 1) {
    return { exactMatch: computeExactMatch(prediction, goldAnswers), f1: computeTokenF1(prediction, goldAnswers) };
  }
  let exactMatchSum = 0;
  let f1Sum = 0;
  for (let left = 0; left < goldAnswers.length; left += 1) {
    const others = goldAnswers.filter((_, i) => i !== left);
    exactMatchSum += maxOverGolds(others, (gold) => exactMatchOne(prediction, gold));
    f1Sum += maxOverGolds(others, (gold) => tokenF1One(prediction, gold));
  }
  // The script averages 0-1 scores and multiplies by 100 at the very end;
  // scaling first would change the last bits of the result, not its value.
  return { exactMatch: (exactMatchSum / goldAnswers.length) * 100, f1: (f1Sum / goldAnswers.length) * 100 };
}

function maxOverGolds(goldAnswers: readonly string[], score: (gold: string) => number): number {
  if (goldAnswers.length === 0) throw new Error("an answer metric needs at least one gold answer");
  return Math.max(...goldAnswers.map(score));
}

// Both return 0-1, the scripts' own scale, so sums of them match the scripts.
function exactMatchOne(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

function tokenF1One(prediction: string, gold: string): number {
  const predictionTokens = splitPythonWhitespace(normalizeAnswer(prediction));
  const goldTokens = splitPythonWhitespace(normalizeAnswer(gold));
  if (predictionTokens.length === 0 || goldTokens.length === 0) return predictionTokens.length === goldTokens.length ? 1 : 0;
  const goldCounts = new Map<string, number>();
  for (const token of goldTokens) goldCounts.set(token, (goldCounts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of predictionTokens) {
    const left = goldCounts.get(token) ?? 0;
    if (left > 0) {
      common += 1;
      goldCounts.set(token, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = (1.0 * common) / predictionTokens.length;
  const recall = (1.0 * common) / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}
