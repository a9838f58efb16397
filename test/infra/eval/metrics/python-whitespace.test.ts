import { describe, expect, it } from "vitest";
import { splitPythonWhitespace, stripPythonTrailingWhitespace } from "../../../../infra/eval/metrics/python-whitespace";

// Expected values: Python 3.11's str.split() and str.rstrip() on the same strings.
describe("splitPythonWhitespace", () => {
  it("splits on Python's whitespace, which differs from JavaScript's \\s", () => {
    expect(splitPythonWhitespace("a\u0085b\u001cc\u001fd\ufeffe\u00a0f\u3000g")).toEqual(["a", "b", "c", "d\ufeffe", "f", "g"]);
  });

  it("gives no tokens for empty or blank text, like str.split()", () => {
    expect(splitPythonWhitespace("")).toEqual([]);
    expect(splitPythonWhitespace(" \t\n\u0085 ")).toEqual([]);
  });
});

describe("stripPythonTrailingWhitespace", () => {
  it("strips what str.rstrip() strips and keeps U+FEFF", () => {
    expect(stripPythonTrailingWhitespace(" word-\n\u0085 ")).toBe(" word-");
    expect(stripPythonTrailingWhitespace("bom\ufeff")).toBe("bom\ufeff");
  });
});
