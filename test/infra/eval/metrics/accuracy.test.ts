import { describe, expect, it } from "vitest";
import { computeAccuracy, computeAccuracyFromCounts } from "../../../../infra/eval/metrics/accuracy";

describe("computeAccuracy", () => {
  it("is the percentage of correct examples", () => {
    expect(computeAccuracy([true, false, true, true])).toBe(75);
    expect(computeAccuracy([false])).toBe(0);
    expect(computeAccuracy([true, true])).toBe(100);
  });

  it("matches the count form", () => {
    // 5,153 LAMBADA test examples; 2,000 right would be 38.81%.
    expect(computeAccuracyFromCounts(2000, 5153)).toBeCloseTo(38.812, 3);
  });

  it("refuses empty runs and impossible counts", () => {
    expect(() => computeAccuracy([])).toThrow(/0 examples/);
    expect(() => computeAccuracyFromCounts(5, 4)).toThrow(/not a count/);
    expect(() => computeAccuracyFromCounts(-1, 4)).toThrow(/not a count/);
  });
});
