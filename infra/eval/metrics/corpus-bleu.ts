import { splitPythonWhitespace, stripPythonTrailingWhitespace } from "./python-whitespace";
import { tokenize13a } from "./tokenize-13a";

/**
 * Corpus BLEU as sacreBLEU computes it with its defaults (signature
 * `nrefs:N|case:mixed|eff:no|tok:13a|smooth:exp|version:2.x`): 13a
 * tokenization, case-sensitive, n-grams up to 4, smoothing method 'exp' (NIST
 * mteval-v13a's), effective order off, one brevity penalty for the whole
 * corpus. WMT results, the GPT-2 paper's included, are reported this way.
 *
 * Corpus BLEU is not the mean of sentence BLEUs: it sums match counts over
 * all segments first. A run that stops and resumes therefore keeps each
 * segment's {@link BleuStatistics} and scores their sum
 * ({@link combineBleuStatistics}), which gives exactly the uninterrupted score.
 */

const MAX_ORDER = 4;

// sacreBLEU's my_log: log(0) becomes this floor instead of -Infinity, so a
// corpus with no 4-grams at all scores exp(-huge) = 0, not NaN.
const LOG_OF_ZERO = -9999999999;

/** The sufficient statistics of BLEU for one segment, or summed over many. */
export interface BleuStatistics {
  /** Tokens in the hypothesis (after 13a tokenization). */
  hypothesisLength: number;
  /** Tokens in the reference whose length is closest to the hypothesis's (the shorter on a tie). */
  referenceLength: number;
  /** Clipped n-gram matches, index 0 for unigrams up to index 3 for 4-grams. */
  matches: number[];
  /** Hypothesis n-grams, same indexing. */
  totals: number[];
}

/**
 * Counts one segment's BLEU statistics: the hypothesis and references are
 * right-stripped and 13a-tokenized, n-gram counts are clipped by the largest
 * count of that n-gram in any one reference.
 *
 * @example
 * countBleuStatistics("The cat sat.", "The cat sat down.");
 * // { hypothesisLength: 4, referenceLength: 5, matches: [4, 2, 1, 0], totals: [4, 3, 2, 1] } ("." is a token)
 */
export function countBleuStatistics(hypothesis: string, references: string | readonly string[]): BleuStatistics {
  const referenceList = typeof references === "string" ? [references] : references;
  if (referenceList.length === 0) throw new Error("BLEU needs at least one reference per segment");
  const hypothesisTokens = tokenizeSegment(hypothesis);
  const referenceCounts = new Map<string, number>();
  const referenceLengths: number[] = [];
  for (const reference of referenceList) {
    const tokens = tokenizeSegment(reference);
    referenceLengths.push(tokens.length);
    for (const [ngram, count] of countNgrams(tokens)) {
      referenceCounts.set(ngram, Math.max(referenceCounts.get(ngram) ?? 0, count));
    }
  }
  const matches = new Array<number>(MAX_ORDER).fill(0);
  const totals = new Array<number>(MAX_ORDER).fill(0);
  for (const [ngram, count] of countNgrams(hypothesisTokens)) {
    const order = ngram.split(" ").length - 1;
    totals[order] = (totals[order] ?? 0) + count;
    matches[order] = (matches[order] ?? 0) + Math.min(count, referenceCounts.get(ngram) ?? 0);
  }
  return {
    hypothesisLength: hypothesisTokens.length,
    referenceLength: closestReferenceLength(hypothesisTokens.length, referenceLengths),
    matches,
    totals,
  };
}

/**
 * Sums segment statistics, so corpus BLEU can be computed from segments scored
 * in separate runs.
 *
 * @example
 * const total = combineBleuStatistics([countBleuStatistics("a b", "a b"), countBleuStatistics("c", "c d")]);
 * // { hypothesisLength: 3, referenceLength: 4, matches: [3, 1, 0, 0], totals: [3, 1, 0, 0] }
 */
export function combineBleuStatistics(parts: readonly BleuStatistics[]): BleuStatistics {
  const sum = (pick: (part: BleuStatistics) => number) => parts.reduce((total, part) => total + pick(part), 0);
  return {
    hypothesisLength: sum((part) => part.hypothesisLength),
    referenceLength: sum((part) => part.referenceLength),
    matches: Array.from({ length: MAX_ORDER }, (_, n) => sum((part) => part.matches[n] ?? 0)),
    totals: Array.from({ length: MAX_ORDER }, (_, n) => sum((part) => part.totals[n] ?? 0)),
  };
}

/**
 * BLEU on the 0-100 scale from (summed) statistics: sacreBLEU's compute_bleu
 * with smooth_method 'exp' and effective order off. The arithmetic is done in
 * the same order as the Python so that the results agree to the last bits.
 *
 * @example
 * scoreBleuStatistics({ hypothesisLength: 11, referenceLength: 11, matches: [9, 7, 5, 3], totals: [10, 8, 6, 4] }); // 83.75922397...
 */
export function scoreBleuStatistics(statistics: BleuStatistics): number {
  const { hypothesisLength, referenceLength, matches, totals } = statistics;
  const brevityPenalty =
    hypothesisLength < referenceLength ? (hypothesisLength > 0 ? Math.exp(1 - referenceLength / hypothesisLength) : 0) : 1;
  // sacreBLEU returns 0 outright when nothing matched (its issue #141),
  // rather than a smoothed score from zero counts.
  if (!matches.some((count) => count > 0)) return 0;
  const precisions = new Array<number>(MAX_ORDER).fill(0);
  let smoothing = 1;
  for (let n = 0; n < MAX_ORDER; n += 1) {
    const total = totals[n] ?? 0;
    const matched = matches[n] ?? 0;
    // No n-grams of this order at all (every segment shorter than n): the
    // precision stays 0, and so will the score, as in sacreBLEU.
    if (total === 0) break;
    if (matched === 0) {
      // 'exp' smoothing: the k-th zero precision counts as 1 / 2^k matches.
      smoothing *= 2;
      precisions[n] = 100 / (smoothing * total);
    } else {
      precisions[n] = (100 * matched) / total;
    }
  }
  const logSum = precisions.reduce((sum, precision) => sum + (precision === 0 ? LOG_OF_ZERO : Math.log(precision)), 0);
  return brevityPenalty * Math.exp(logSum / MAX_ORDER);
}

/**
 * Corpus BLEU on the 0-100 scale, as `sacrebleu.corpus_bleu(hypotheses,
 * [references])` reports it. `references[i]` holds the reference, or the
 * references, of `hypotheses[i]`; segments may have different numbers of
 * references.
 *
 * @example
 * computeCorpusBleu(["The cat sat on the mat."], ["The cat is on the mat."]); // 48.89230...
 */
export function computeCorpusBleu(hypotheses: readonly string[], references: readonly (string | readonly string[])[]): number {
  if (hypotheses.length !== references.length) {
    throw new Error(`BLEU needs one reference entry per hypothesis: ${hypotheses.length} hypotheses, ${references.length} references`);
  }
  return scoreBleuStatistics(
    combineBleuStatistics(hypotheses.map((hypothesis, i) => countBleuStatistics(hypothesis, references[i] ?? []))),
  );
}

function tokenizeSegment(segment: string): string[] {
  return splitPythonWhitespace(tokenize13a(stripPythonTrailingWhitespace(segment)));
}

// Keys join tokens with a space, which no 13a token contains, so distinct
// n-grams never collide and the key's space count gives its order.
function countNgrams(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= MAX_ORDER; n += 1) {
    for (let start = 0; start + n <= tokens.length; start += 1) {
      const key = tokens.slice(start, start + n).join(" ");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

// sacreBLEU's _get_closest_ref_len: ties go to the shorter reference.
function closestReferenceLength(hypothesisLength: number, referenceLengths: readonly number[]): number {
  let best = -1;
  let bestDifference = -1;
  for (const length of referenceLengths) {
    const difference = Math.abs(hypothesisLength - length);
    if (bestDifference === -1 || difference < bestDifference || (difference === bestDifference && length < best)) {
      bestDifference = difference;
      best = length;
    }
  }
  return best;
}
