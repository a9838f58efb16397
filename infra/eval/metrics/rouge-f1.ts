import { l as rougeLcs, n as rougeNgram } from "js-rouge";

/**
 * ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum F1 for one summary against one
 * reference, on the 0-100 scale, matching Google's `rouge-score` Python
 * package with its defaults (`RougeScorer([...], use_stemmer=False)`), which
 * its authors state is equivalent to `ROUGE-1.5.5.pl -e data -n 2`.
 *
 * The counting is js-rouge's (n-gram overlap with clipped counts, LCS, and
 * ROUGE-1.5.5's summary-level union LCS); the tokenization is rouge-score's
 * instead of js-rouge's default, because js-rouge's Penn Treebank tokenizer
 * keeps punctuation as tokens and is case-sensitive, which would credit
 * matching commas and periods and give numbers no reference scorer gives.
 *
 * Differences from what papers report as "ROUGE" on CNN/Daily Mail, to keep
 * in mind when comparing with the GPT-2 paper's figures:
 * - Stemming is off. ROUGE-1.5.5 runs for CNN/DM usually pass `-m` (Porter
 *   stemmer), as does `use_stemmer=True` in rouge-score; stemming raises
 *   scores by roughly a point. The GPT-2 paper does not say which it used.
 * - Tokens are runs of lowercase ASCII letters and digits (rouge-score's
 *   rule). ROUGE-1.5.5 also makes every hyphen a token of its own
 *   (`s/\-/ \- /g` before dropping other symbols), so "3-1" is three tokens
 *   there and two here; both drop non-ASCII letters.
 * - ROUGE-L here is the LCS of the whole summary as one sequence (rouge-score's
 *   `rougeL`). ROUGE-1.5.5's ROUGE-L, which CNN/DM papers usually report, is
 *   summary-level: one LCS per reference sentence, unioned over candidate
 *   sentences. That is `rougeLsum` here, with sentences separated by "\n",
 *   so callers must put each sentence on its own line (as rouge-score
 *   requires too) or it degrades to ROUGE-L.
 * - No stopword removal, no length limit, no bootstrap confidence interval:
 *   a corpus score is the plain mean of per-summary F1 (ROUGE-1.5.5's
 *   "average F" and rouge-score's BootstrapAggregator mid both are that mean).
 * - One reference per summary (CNN/DM has one).
 */

/** Per-summary ROUGE F1 scores, each on the 0-100 scale. */
export interface RougeScores {
  rouge1: number;
  rouge2: number;
  rougeL: number;
  rougeLsum: number;
}

// rouge-score's tokenize.tokenize without a stemmer: lowercase, every run of
// characters other than a-z and 0-9 is a separator.
const NON_ALPHANUMERIC = /[^a-z0-9]+/;

/**
 * Tokenizes text the way rouge-score's default tokenizer does with stemming
 * off.
 *
 * @example
 * tokenizeForRouge("The U.S. won 3-1, again!"); // ["the", "u", "s", "won", "3", "1", "again"]
 */
export function tokenizeForRouge(text: string): string[] {
  return text
    .toLowerCase()
    .split(NON_ALPHANUMERIC)
    .filter((token) => token !== "");
}

/**
 * Scores one candidate summary against its reference; every score is an F1
 * (β = 1) on the 0-100 scale, and 0 when either side has no tokens.
 * js-rouge refuses (RangeError) n-gram work beyond about a million
 * characters, tens of thousands of words: far above any summary, so a
 * runaway generation should be cut to the task's length limit first.
 *
 * @example
 * computeRouge("The quick brown dog jumps on the log.", "The quick brown fox jumps over the lazy dog");
 * // { rouge1: 70.588..., rouge2: 26.666..., rougeL: 58.823..., rougeLsum: 58.823... }
 */
export function computeRouge(candidate: string, reference: string): RougeScores {
  // js-rouge rejects blank input, rouge-score scores it 0; text made only of
  // punctuation has no tokens either, and scores 0 in both.
  if (tokenizeForRouge(candidate).length === 0 || tokenizeForRouge(reference).length === 0) {
    return { rouge1: 0, rouge2: 0, rougeL: 0, rougeLsum: 0 };
  }
  const tokenizer = tokenizeForRouge;
  return {
    rouge1: 100 * rougeNgram(candidate, reference, { n: 1, tokenizer }),
    rouge2: 100 * rougeNgram(candidate, reference, { n: 2, tokenizer }),
    // One "sentence" per side: the summary-level LCS of one sentence pair is
    // the plain LCS.
    rougeL: 100 * rougeLcs(candidate, reference, { tokenizer, segmenter: (text) => [text] }),
    rougeLsum: 100 * rougeLcs(candidate, reference, { tokenizer, segmenter: splitSentenceLines }),
  };
}

// rouge-score's rougeLsum get_sents: split on "\n" only, drop empty lines
// (a line of spaces stays, and contributes no tokens).
function splitSentenceLines(text: string): string[] {
  return text.split("\n").filter((line) => line.length > 0);
}
