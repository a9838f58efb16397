import { describe, expect, it } from "vitest";
import { firstLine, firstSentences } from "../../src/prompts/sentences";

describe("firstSentences", () => {
  it.each([
    { text: " A cat sat. It purred! Then", count: 2, expected: "A cat sat. It purred!" },
    { text: "One. Two. Three. Four.", count: 3, expected: "One. Two. Three." },
    { text: 'He said "stop." She left.', count: 1, expected: 'He said "stop."' },
    { text: "Version 2.5 shipped today. Next week more.", count: 1, expected: "Version 2.5 shipped today." },
    { text: "no end punctuation", count: 1, expected: "no end punctuation" },
    { text: "Où est la gare ? Là-bas.", count: 1, expected: "Où est la gare ?" },
    { text: "   ", count: 3, expected: "" },
  ])("first $count of $text", ({ text, count, expected }) => {
    expect(firstSentences(text, count)).toBe(expected);
  });
});

describe("firstLine", () => {
  it.each([
    { text: " Paris\nQ: next", expected: "Paris" },
    { text: "\n\n  Jane Austen  \nmore", expected: "Jane Austen" },
    { text: "", expected: "" },
  ])("first line of $text", ({ text, expected }) => {
    expect(firstLine(text)).toBe(expected);
  });
});
