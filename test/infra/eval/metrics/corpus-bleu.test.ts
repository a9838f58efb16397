import { describe, expect, it } from "vitest";
import {
  type BleuStatistics,
  combineBleuStatistics,
  computeCorpusBleu,
  countBleuStatistics,
  scoreBleuStatistics,
} from "../../../../infra/eval/metrics/corpus-bleu";

// Expected scores and per-segment statistics from sacreBLEU 2.6.0 with its defaults (signature
// nrefs:N|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0), run from its source (github.com/mjpost/sacrebleu,
// tag v2.6.0 plus one README commit) with Debian bookworm's python3 packages, references as one stream per
// reference position (None where a segment has fewer):
//   from sacrebleu.metrics import BLEU
//   bleu = BLEU(); bleu.corpus_score(hyps, ref_streams).score; bleu._extract_corpus_statistics(hyps, ref_streams)
// Statistics rows are [hyp_len, ref_len, matches 1-4..., totals 1-4...], sacreBLEU's own layout.
// The first two corpora are sacreBLEU's test/test_bleu.py cases (48.530827 and 0.0 there); the last is its
// test_case_statistics input, whose matches [4, 2, 1, 0] and totals [6, 5, 4, 3] the test file also states.
const CORPORA: { name: string; hypotheses: string[]; references: string[][]; bleu: number; statistics: number[][] }[] = [
  {
    name: "sacrebleu README corpus, two references",
    hypotheses: ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."],
    references: [
      ["The dog bit the man.", "The dog had bit the man."],
      ["It was not unexpected.", "No one was surprised."],
      ["The man bit him first.", "The man had bitten the dog."],
    ],
    bleu: 48.530827009929865,
    statistics: [
      [6, 6, 6, 5, 4, 3, 6, 5, 4, 3],
      [4, 5, 2, 0, 0, 0, 4, 3, 2, 1],
      [7, 7, 6, 2, 1, 0, 7, 6, 5, 4],
    ],
  },
  {
    name: "empty hypotheses",
    hypotheses: ["", "", ""],
    references: [
      ["The dog bit the man.", "The dog had bit the man."],
      ["It was not unexpected.", "No one was surprised."],
      ["The man bit him first.", "The man had bitten the dog."],
    ],
    bleu: 0.0,
    statistics: [
      [0, 6, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 5, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 6, 0, 0, 0, 0, 0, 0, 0, 0],
    ],
  },
  {
    name: "one sentence",
    hypotheses: ["The cat sat on the mat."],
    references: [["The cat is on the mat."]],
    bleu: 48.892302243490086,
    statistics: [[7, 7, 6, 4, 2, 1, 7, 6, 5, 4]],
  },
  {
    name: "numbers, quotes and dashes",
    hypotheses: [
      "The value of pi is 3.14, roughly.",
      'About 1,000 people attended the "open-air" concert.',
      "Prices rose 2.5% in 2019-2020 - a record.",
      "He said: 'it's fine'.",
    ],
    references: [
      ["Pi is about 3.14."],
      ['Some 1,000 people came to the "open-air" concert.'],
      ["Prices rose by 2.5% in 2019-2020, a record."],
      ["He said: 'it is fine'."],
    ],
    bleu: 41.99789915097386,
    statistics: [
      [9, 5, 3, 0, 0, 0, 9, 8, 7, 6],
      [10, 11, 8, 6, 4, 3, 10, 9, 8, 7],
      [12, 13, 11, 8, 5, 3, 12, 11, 10, 9],
      [6, 7, 5, 3, 1, 0, 6, 5, 4, 3],
    ],
  },
  {
    name: "short hypothesis, brevity penalty",
    hypotheses: ["the cat sat on"],
    references: [["the cat sat on the mat today ."]],
    bleu: 36.78794411714425,
    statistics: [[4, 8, 4, 3, 2, 1, 4, 3, 2, 1]],
  },
  {
    name: "no 3-grams or 4-grams matched, exp smoothing",
    hypotheses: ["a b c d e"],
    references: [["a b x d e y"]],
    bleu: 24.736929544091932,
    statistics: [[5, 6, 4, 2, 0, 0, 5, 4, 3, 2]],
  },
  {
    name: "hypothesis shorter than 4 tokens",
    hypotheses: ["the cat"],
    references: [["the cat sat"]],
    bleu: 0.0,
    statistics: [[2, 3, 2, 1, 0, 0, 2, 1, 0, 0]],
  },
  {
    name: "longer hypothesis than reference",
    hypotheses: ["the small cat sat on the big red mat all day long ."],
    references: [["the cat sat on the mat ."]],
    bleu: 22.242469397936766,
    statistics: [[13, 7, 7, 3, 2, 1, 13, 12, 11, 10]],
  },
  {
    name: "variable number of references",
    hypotheses: ["the house is small .", "a quick brown fox", "it rains heavily today"],
    references: [
      ["the house is tiny .", "this house is small ."],
      ["the quick brown fox"],
      ["it is raining a lot today", "today it rains heavily", "heavy rain today"],
    ],
    bleu: 60.26080978557135,
    statistics: [
      [5, 5, 5, 4, 3, 1, 5, 4, 3, 2],
      [4, 4, 3, 2, 1, 0, 4, 3, 2, 1],
      [4, 4, 4, 2, 1, 0, 4, 3, 2, 1],
    ],
  },
  {
    name: "closest reference length tie goes to the shorter",
    hypotheses: ["one two three four five"],
    references: [["one two three four", "one two three four five six"]],
    bleu: 100.00000000000004,
    statistics: [[5, 4, 5, 4, 3, 2, 5, 4, 3, 2]],
  },
  {
    name: "entities, skipped markers and line breaks",
    hypotheses: ["&quot;Hi&quot; &amp; bye <skipped>now", "co-\noperation is key\nfor all"],
    references: [['"Hi" & bye now'], ["cooperation is key for all"]],
    bleu: 100.00000000000004,
    statistics: [
      [6, 6, 6, 5, 4, 3, 6, 5, 4, 3],
      [5, 5, 5, 4, 3, 2, 5, 4, 3, 2],
    ],
  },
  {
    name: "Python whitespace",
    hypotheses: ["one\u0085two three\u001cfour five", "bom\ufeff here and there"],
    references: [["one two three four five"], ["bom here and there"]],
    bleu: 79.84079523098933,
    statistics: [
      [5, 5, 5, 4, 3, 2, 5, 4, 3, 2],
      [4, 4, 3, 2, 1, 0, 4, 3, 2, 1],
    ],
  },
  {
    name: "trailing whitespace and hyphen",
    hypotheses: ["a well-\n", "x y z w  \n"],
    references: [["a well"], ["x y z w"]],
    bleu: 88.91397050194611,
    statistics: [
      [2, 2, 1, 0, 0, 0, 2, 1, 0, 0],
      [4, 4, 4, 3, 2, 1, 4, 3, 2, 1],
    ],
  },
  {
    name: "WMT-style news",
    hypotheses: [
      "The European Commission presented its proposal on Tuesday.",
      "According to the police, three people were injured in the accident.",
      "The company's shares fell by 4.5% to 12.30 euros.",
      '"We will not give up," said the minister.',
      "The match ended 2-1 after extra time.",
      "More than 10,000 protesters gathered in Paris on Saturday.",
      "The new law will come into force in January.",
      "Scientists have discovered a new species of frog in Brazil.",
    ],
    references: [
      ["The European Commission unveiled its proposal on Tuesday."],
      ["Three people were injured in the accident, police said."],
      ["Shares in the company fell 4.5% to 12.30 euros."],
      ['"We will not give up," the minister said.'],
      ["The game finished 2-1 after extra time."],
      ["Over 10,000 demonstrators gathered in Paris on Saturday."],
      ["The new law takes effect in January."],
      ["Researchers have found a new frog species in Brazil."],
    ],
    bleu: 48.703231558649385,
    statistics: [
      [9, 9, 8, 6, 4, 2, 9, 8, 7, 6],
      [13, 11, 9, 5, 4, 3, 13, 12, 11, 10],
      [11, 11, 7, 5, 4, 3, 11, 10, 9, 8],
      [12, 12, 12, 8, 6, 5, 12, 11, 10, 9],
      [10, 10, 8, 6, 5, 4, 10, 9, 8, 7],
      [10, 9, 7, 5, 4, 3, 10, 9, 8, 7],
      [10, 8, 6, 4, 2, 0, 10, 9, 8, 7],
      [11, 10, 8, 3, 1, 0, 11, 10, 9, 8],
    ],
  },
  {
    name: "sacrebleu test_case_statistics",
    hypotheses: ["am I am a character sequence"],
    references: [["I am a symbol string sequence a a"]],
    bleu: 23.263472697663296,
    statistics: [[6, 8, 4, 2, 1, 0, 6, 5, 4, 3]],
  },
];

function toRow(statistics: BleuStatistics): number[] {
  return [statistics.hypothesisLength, statistics.referenceLength, ...statistics.matches, ...statistics.totals];
}

describe("computeCorpusBleu", () => {
  it.each(CORPORA)("$name: $bleu", ({ hypotheses, references, bleu, statistics }) => {
    expect(hypotheses.map((hypothesis, i) => toRow(countBleuStatistics(hypothesis, references[i] ?? [])))).toEqual(statistics);
    // Python and V8 use different exp/log implementations: agreement to 1e-9 is the last bits.
    expect(computeCorpusBleu(hypotheses, references)).toBeCloseTo(bleu, 9);
  });

  it("accepts a plain string for a single reference", () => {
    expect(computeCorpusBleu(["The cat sat on the mat."], ["The cat is on the mat."])).toBeCloseTo(48.892302243490086, 9);
  });

  it("refuses mismatched lengths and missing references instead of truncating like zip()", () => {
    expect(() => computeCorpusBleu(["a", "b"], ["a"])).toThrow(/one reference entry per hypothesis/);
    expect(() => countBleuStatistics("a", [])).toThrow(/at least one reference/);
  });
});

describe("scoreBleuStatistics", () => {
  it("scores sacreBLEU's test_case_scoring statistics as its test file expects (0.8375922397)", () => {
    const statistics = { hypothesisLength: 11, referenceLength: 11, matches: [9, 7, 5, 3], totals: [10, 8, 6, 4] };
    expect(scoreBleuStatistics(statistics)).toBeCloseTo(83.75922397, 7);
  });

  it("scores 0 when nothing matched, as sacreBLEU's degenerate-statistics tests expect", () => {
    expect(scoreBleuStatistics({ hypothesisLength: 1, referenceLength: 0, matches: [0, 0, 0, 0], totals: [4, 4, 2, 1] })).toBe(0);
    expect(scoreBleuStatistics({ hypothesisLength: 0, referenceLength: 0, matches: [0, 0, 0, 0], totals: [0, 0, 0, 0] })).toBe(0);
  });
});

describe("combineBleuStatistics", () => {
  it("gives the uninterrupted corpus score from segments scored in two runs", () => {
    const news = CORPORA.find((corpus) => corpus.name === "WMT-style news")!;
    const segments = news.hypotheses.map((hypothesis, i) => countBleuStatistics(hypothesis, news.references[i] ?? []));
    const firstRun = combineBleuStatistics(segments.slice(0, 3));
    const secondRun = combineBleuStatistics(segments.slice(3));
    expect(scoreBleuStatistics(combineBleuStatistics([firstRun, secondRun]))).toBe(computeCorpusBleu(news.hypotheses, news.references));
  });

  it("sums to zeros for no segments", () => {
    expect(combineBleuStatistics([])).toEqual({ hypothesisLength: 0, referenceLength: 0, matches: [0, 0, 0, 0], totals: [0, 0, 0, 0] });
  });
});
