import { describe, expect, it } from "vitest";
import { computeCoqaTurnScores, computeExactMatch, computeTokenF1, normalizeAnswer } from "../../../../infra/eval/metrics/answer-overlap";

// Expected values from the official scripts' functions run under Python 3.11: normalize_answer, get_tokens,
// compute_exact, compute_f1 and _compute_turn_score exactly as CoQA's evaluate-v1.0.py has them (copied there
// from SQuAD's evaluate-v2.0.py), with
//   exactMatch = 100 * max(compute_exact(g, pred) for g in golds), f1 = 100 * max(compute_f1(g, pred) ...),
//   coqa = 100 * _compute_turn_score(golds, pred)[metric].
// A further 20,000 random strings of articles, Python-only whitespace, combining marks, non-ASCII letters
// and numbers normalized identically.
const NORMALIZED: [string, string][] = [
  ["The  Eiffel-Tower!", "eiffeltower"],
  ["An apple a day", "apple day"],
  ["A", ""],
  ["the", ""],
  ["Theatre and thē", "theatre and thē"],
  ["théâtre the", "théâtre"],
  ["a_the an_ the_a", "athe thea"],
  ["Ａ the", "ａ"],
  ["“Curly” quotes — stay", "“curly” quotes — stay"],
  ["Über-the-top", "überthetop"],
  ["  spaces\t\nand\u00a0nbsp\u0085nel ", "spaces and nbsp nel"],
  ["can't won't", "cant wont"],
  ["1,000.50 $", "100050"],
  ["THE END.", "end"],
  ["ané an", "ané"],
  ["a1 the2 _the", "a1 the2"],
  ["", ""],
];

const CASES: {
  name: string;
  prediction: string;
  golds: string[];
  exactMatch: number;
  f1: number;
  coqaExactMatch: number;
  coqaF1: number;
}[] = [
  {
    name: "exact after normalization",
    prediction: "the Eiffel Tower.",
    golds: ["Eiffel Tower", "tower"],
    exactMatch: 100,
    f1: 100.0,
    coqaExactMatch: 50.0,
    coqaF1: 83.33333333333333,
  },
  {
    name: "partial overlap",
    prediction: "in the Eiffel Tower",
    golds: ["Eiffel Tower"],
    exactMatch: 0,
    f1: 80.0,
    coqaExactMatch: 0.0,
    coqaF1: 80.0,
  },
  {
    name: "max over golds",
    prediction: "Denver Broncos",
    golds: ["Carolina Panthers", "Broncos", "Denver Broncos win"],
    exactMatch: 0,
    f1: 80.0,
    coqaExactMatch: 0.0,
    coqaF1: 75.55555555555556,
  },
  { name: "no overlap", prediction: "Paris", golds: ["London", "Rome"], exactMatch: 0, f1: 0, coqaExactMatch: 0.0, coqaF1: 0.0 },
  {
    name: "repeated tokens use Counter intersection",
    prediction: "the cat cat cat",
    golds: ["cat sat cat"],
    exactMatch: 0,
    f1: 66.66666666666666,
    coqaExactMatch: 0.0,
    coqaF1: 66.66666666666666,
  },
  {
    name: "empty prediction against empty gold",
    prediction: "",
    golds: [""],
    exactMatch: 100,
    f1: 100,
    coqaExactMatch: 100.0,
    coqaF1: 100.0,
  },
  {
    name: "empty prediction against non-empty gold",
    prediction: "",
    golds: ["yes"],
    exactMatch: 0,
    f1: 0,
    coqaExactMatch: 0.0,
    coqaF1: 0.0,
  },
  {
    name: "article-only prediction normalizes to nothing",
    prediction: "the",
    golds: ["unknown"],
    exactMatch: 0,
    f1: 0,
    coqaExactMatch: 0.0,
    coqaF1: 0.0,
  },
  {
    name: "CoQA leave-one-out",
    prediction: "white",
    golds: ["white", "blue", "white and blue", "red"],
    exactMatch: 100,
    f1: 100.0,
    coqaExactMatch: 75.0,
    coqaF1: 87.5,
  },
  {
    name: "CoQA four identical golds",
    prediction: "yes",
    golds: ["yes", "Yes", "yes.", "yes"],
    exactMatch: 100,
    f1: 100.0,
    coqaExactMatch: 100.0,
    coqaF1: 100.0,
  },
  {
    name: "CoQA partial",
    prediction: "in the park near the river",
    golds: ["the park", "near the river", "at the park by the river", "park"],
    exactMatch: 0,
    f1: 66.66666666666666,
    coqaExactMatch: 0.0,
    coqaF1: 62.499999999999986,
  },
  {
    name: "unknown turn",
    prediction: "unknown",
    golds: ["unknown", "unknown", "Unknown", "the park"],
    exactMatch: 100,
    f1: 100.0,
    coqaExactMatch: 100.0,
    coqaF1: 100.0,
  },
  {
    name: "numbers with punctuation",
    prediction: "$1,000.50",
    golds: ["1000.50 dollars"],
    exactMatch: 0,
    f1: 66.66666666666666,
    coqaExactMatch: 0.0,
    coqaF1: 66.66666666666666,
  },
];

describe("normalizeAnswer", () => {
  it.each(NORMALIZED)("normalizes %j as the official scripts do", (text, expected) => {
    expect(normalizeAnswer(text)).toBe(expected);
  });
});

describe("exact match and token F1", () => {
  it.each(CASES)("$name", ({ prediction, golds, exactMatch, f1, coqaExactMatch, coqaF1 }) => {
    expect(computeExactMatch(prediction, golds)).toBe(exactMatch);
    expect(computeTokenF1(prediction, golds)).toBeCloseTo(f1, 9);
    const coqa = computeCoqaTurnScores(prediction, golds);
    expect(coqa.exactMatch).toBeCloseTo(coqaExactMatch, 9);
    expect(coqa.f1).toBeCloseTo(coqaF1, 9);
  });

  it("works out F1 by hand: prediction 'in the Eiffel Tower' has 3 tokens, 2 shared with 'Eiffel Tower'", () => {
    // P = 2/3, R = 2/2, F1 = 2PR / (P + R) = (4/3) / (5/3) = 0.8.
    expect(computeTokenF1("in the Eiffel Tower", ["Eiffel Tower"])).toBeCloseTo(80, 12);
  });

  it("refuses an empty list of gold answers", () => {
    expect(() => computeTokenF1("x", [])).toThrow(/at least one gold answer/);
    expect(() => computeExactMatch("x", [])).toThrow(/at least one gold answer/);
    expect(() => computeCoqaTurnScores("x", [])).toThrow(/at least one gold answer/);
  });
});
