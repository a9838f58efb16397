import { describe, expect, it } from "vitest";
import { computeRouge, type RougeScores, tokenizeForRouge } from "../../../../infra/eval/metrics/rouge-f1";

// Expected F1 scores (x 100) from Google's rouge-score: google-research/google-research rouge/rouge_scorer.py
// (commit 61ce9f0c), tokenize.py (0c1bbe5f), tokenizers.py (30adf0ec) and scoring.py's fmeasure, run with
// Debian bookworm's python3-nltk, -absl and -six:
//   RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"]).score(reference, candidate)[type].fmeasure * 100
// (use_stemmer=False, split_summaries=False: rougeLsum sentences are the "\n"-separated lines). A further
// 3,000 random multi-line pairs over a six-word vocabulary, where LCS ties abound, agreed to 1e-9.
const PAIRS: { name: string; candidate: string; reference: string; expected: RougeScores }[] = [
  {
    name: "rouge-score README example",
    candidate: "The quick brown dog jumps on the log.",
    reference: "The quick brown fox jumps over the lazy dog",
    expected: { rouge1: 70.58823529411765, rouge2: 26.666666666666668, rougeL: 58.82352941176471, rougeLsum: 58.82352941176471 },
  },
  {
    name: "identical",
    candidate: "police killed the gunman",
    reference: "police killed the gunman",
    expected: { rouge1: 100.0, rouge2: 100.0, rougeL: 100.0, rougeLsum: 100.0 },
  },
  {
    name: "case and punctuation are ignored",
    candidate: "POLICE, killed: the gunman!!!",
    reference: "police killed the gunman",
    expected: { rouge1: 100.0, rouge2: 100.0, rougeL: 100.0, rougeLsum: 100.0 },
  },
  {
    name: "no overlap",
    candidate: "apples and oranges",
    reference: "police killed the gunman",
    expected: { rouge1: 0.0, rouge2: 0.0, rougeL: 0.0, rougeLsum: 0.0 },
  },
  {
    name: "empty candidate",
    candidate: "",
    reference: "police killed the gunman",
    expected: { rouge1: 0.0, rouge2: 0.0, rougeL: 0.0, rougeLsum: 0.0 },
  },
  {
    name: "punctuation-only candidate",
    candidate: "?!...",
    reference: "police killed the gunman",
    expected: { rouge1: 0.0, rouge2: 0.0, rougeL: 0.0, rougeLsum: 0.0 },
  },
  {
    name: "one-word candidate (no bigrams)",
    candidate: "police",
    reference: "police killed the gunman",
    expected: { rouge1: 40.0, rouge2: 0.0, rougeL: 40.0, rougeLsum: 40.0 },
  },
  {
    name: "repeated words are clipped",
    candidate: "the the the the police",
    reference: "the police killed the gunman",
    expected: { rouge1: 60.0, rouge2: 25.0, rougeL: 40.00000000000001, rougeLsum: 40.00000000000001 },
  },
  {
    name: "numbers and hyphens",
    candidate: "Arsenal won 3-1 on Saturday, a 2.5-point lead.",
    reference: "Arsenal beat Chelsea 3-1 to take a 2.5 point lead",
    expected: { rouge1: 69.56521739130434, rouge2: 47.61904761904761, rougeL: 69.56521739130434, rougeLsum: 69.56521739130434 },
  },
  {
    name: "non-ASCII letters are dropped",
    candidate: "José Mourinho's café in Zürich",
    reference: "Jose Mourinho opened a cafe in Zurich",
    expected: { rouge1: 28.57142857142857, rouge2: 0.0, rougeL: 28.57142857142857, rougeLsum: 28.57142857142857 },
  },
  {
    name: "multi-sentence CNN/DM-style",
    candidate: "A man was arrested after a car crashed into a shop.\nPolice said no one was hurt.\nThe driver was 45.",
    reference: "Police arrested a 45-year-old driver after his car crashed into a shop.\nNo one was injured, police said.",
    expected: { rouge1: 73.17073170731706, rouge2: 35.8974358974359, rougeL: 48.78048780487805, rougeLsum: 58.536585365853654 },
  },
  {
    name: "summary-level LCS differs from flat LCS",
    candidate: "w1 w2 w3 w4 w5\nw6 w7",
    reference: "w1 w2 w6 w7 w8\nw3 w4 w5 w9",
    expected: { rouge1: 87.50000000000001, rouge2: 57.14285714285715, rougeL: 62.500000000000014, rougeLsum: 87.50000000000001 },
  },
  {
    name: "ROUGE paper summary-level example",
    candidate: "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5",
    reference: "w1 w2 w3 w4 w5",
    expected: { rouge1: 53.333333333333336, rouge2: 15.384615384615383, rougeL: 53.333333333333336, rougeLsum: 53.333333333333336 },
  },
  {
    name: "blank lines and spaces-only lines",
    candidate: "one two\n\n   \nthree four\n",
    reference: "\none two three\nfour\n",
    expected: { rouge1: 100.0, rouge2: 100.0, rougeL: 100.0, rougeLsum: 100.0 },
  },
];

// Tokens from rouge-score's tokenize.tokenize(text, None).
const TOKENIZED: [string, string[]][] = [
  ["The U.S. won 3-1, again!", ["the", "u", "s", "won", "3", "1", "again"]],
  ["It's a well-known fact", ["it", "s", "a", "well", "known", "fact"]],
  ["ÀÉÎ and ŉ KELVINK", ["and", "kelvink"]],
  ["tab\tand\u00a0nbsp", ["tab", "and", "nbsp"]],
  ["", []],
];

describe("computeRouge", () => {
  it.each(PAIRS)("$name", ({ candidate, reference, expected }) => {
    const scores = computeRouge(candidate, reference);
    for (const type of ["rouge1", "rouge2", "rougeL", "rougeLsum"] as const) {
      expect(scores[type], type).toBeCloseTo(expected[type], 9);
    }
  });

  it("scores an all-whitespace candidate 0 where js-rouge alone would throw", () => {
    expect(computeRouge(" \n ", "police killed the gunman")).toEqual({ rouge1: 0, rouge2: 0, rougeL: 0, rougeLsum: 0 });
    expect(computeRouge("police", "")).toEqual({ rouge1: 0, rouge2: 0, rougeL: 0, rougeLsum: 0 });
  });
});

describe("tokenizeForRouge", () => {
  it.each(TOKENIZED)("tokenizes %j as rouge-score does", (text, expected) => {
    expect(tokenizeForRouge(text)).toEqual(expected);
  });
});
