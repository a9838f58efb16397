import { describe, expect, it } from "vitest";
import {
  computeBitsPerByte,
  computeBitsPerCharacter,
  computePerplexity,
  countCodePoints,
  countUtf8Bytes,
} from "../../../../infra/eval/metrics/language-model-scores";
import { combinePartialSums } from "../../../../infra/eval/metrics/partial-sums";

// Hand-computed: a model that spreads its probability evenly over k choices has log-likelihood
// -ln k per token, hence perplexity k and log2 k bits per unit.
describe("computePerplexity", () => {
  it("is exp(-sum / count)", () => {
    expect(computePerplexity(-Math.log(4) * 10, 10)).toBeCloseTo(4, 12);
    expect(computePerplexity(0, 3)).toBe(1);
    expect(computePerplexity(-6, 3)).toBeCloseTo(Math.exp(2), 12);
  });

  it("gives the same figure from windows summed across a resumed run", () => {
    const windows = [
      { sum: -35.2, count: 10 },
      { sum: -41.9, count: 12 },
      { sum: -12.3, count: 4 },
    ];
    const total = combinePartialSums([combinePartialSums(windows.slice(0, 1)), combinePartialSums(windows.slice(1))]);
    expect(computePerplexity(total.sum, total.count)).toBeCloseTo(Math.exp((35.2 + 41.9 + 12.3) / 26), 12);
  });

  it("refuses a zero token count", () => {
    expect(() => computePerplexity(-1, 0)).toThrow(/0 tokens/);
  });
});

describe("bits per byte and per character", () => {
  it("is -sum / ln 2 / count", () => {
    expect(computeBitsPerByte(-Math.LN2 * 12, 8)).toBeCloseTo(1.5, 12);
    expect(computeBitsPerCharacter(-Math.log(256) * 5, 5)).toBeCloseTo(8, 12);
    // The GPT-2 paper's 1542M enwik8 figure, 0.93 bits per byte, over enwik8's 5M-byte test split.
    expect(computeBitsPerByte(-0.93 * Math.LN2 * 5_000_000, 5_000_000)).toBeCloseTo(0.93, 12);
  });

  it("refuses zero units", () => {
    expect(() => computeBitsPerByte(-1, 0)).toThrow(/0 bytes/);
    expect(() => computeBitsPerCharacter(-1, 0)).toThrow(/0 characters/);
  });
});

describe("unit counts", () => {
  it("counts UTF-8 bytes and code points, not UTF-16 units", () => {
    expect(countUtf8Bytes("né")).toBe(3);
    expect(countUtf8Bytes("a😀")).toBe(5);
    expect(countCodePoints("a😀")).toBe(2);
    expect(countCodePoints("")).toBe(0);
  });
});
