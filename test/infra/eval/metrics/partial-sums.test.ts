import { describe, expect, it } from "vitest";
import { combinePartialSums, computeMean, requirePositive } from "../../../../infra/eval/metrics/partial-sums";

describe("combinePartialSums", () => {
  it("adds numerators and denominators", () => {
    expect(
      combinePartialSums([
        { sum: -12.5, count: 5 },
        { sum: -7.5, count: 3 },
      ]),
    ).toEqual({ sum: -20, count: 8 });
  });

  it("gives zero for nothing, so a run with no examples yet can still start from it", () => {
    expect(combinePartialSums([])).toEqual({ sum: 0, count: 0 });
  });

  it("is the same whether examples come from one run or a resumed one", () => {
    const examples = [0.25, 0.5, 0.125, 1, 0.75].map((sum) => ({ sum, count: 1 }));
    const resumed = combinePartialSums([combinePartialSums(examples.slice(0, 2)), combinePartialSums(examples.slice(2))]);
    expect(resumed).toEqual(combinePartialSums(examples));
  });

  it("refuses NaN, infinite sums and negative counts", () => {
    expect(() => combinePartialSums([{ sum: Number.NaN, count: 1 }])).toThrow(/finite/);
    expect(() => combinePartialSums([{ sum: Number.NEGATIVE_INFINITY, count: 1 }])).toThrow(/finite/);
    expect(() => combinePartialSums([{ sum: 1, count: -1 }])).toThrow(/non-negative/);
  });
});

describe("computeMean", () => {
  it("averages per-example scores recorded with count 1", () => {
    expect(
      computeMean(
        combinePartialSums([
          { sum: 100, count: 1 },
          { sum: 50, count: 1 },
        ]),
      ),
    ).toBe(75);
  });

  it("refuses an empty set instead of returning NaN", () => {
    expect(() => computeMean({ sum: 0, count: 0 })).toThrow(/0 examples/);
    expect(() => requirePositive(Number.NaN, "tokens")).toThrow(/NaN tokens/);
  });
});
