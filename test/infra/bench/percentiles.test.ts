import { describe, expect, it } from "vitest";
import { percentiles, subtract } from "../../../infra/bench/percentiles";

describe("percentiles", () => {
  it("takes the nearest rank, whatever the order of the samples", () => {
    expect(percentiles([4, 1, 3, 2])).toEqual({ p50: 2, p90: 4, p99: 4 });
    const hundred = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(percentiles(hundred)).toEqual({ p50: 50, p90: 90, p99: 99 });
  });

  it("rounds to microseconds and has no figure without samples", () => {
    expect(percentiles([1.23456])).toEqual({ p50: 1.235, p90: 1.235, p99: 1.235 });
    expect(percentiles([]).p50).toBeNaN();
  });
});

describe("subtract", () => {
  it("subtracts two kinds of request from a third at each percentile", () => {
    expect(subtract({ p50: 5, p90: 9, p99: 12 }, { p50: 3, p90: 5, p99: 8 }, { p50: 1.0004, p90: 2, p99: 5 })).toEqual({
      p50: 1,
      p90: 2,
      p99: -1,
    });
  });
});
