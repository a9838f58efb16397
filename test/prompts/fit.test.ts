import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors/api-error";
import { describeError } from "../../src/middleware/handle-error";
import { gpt2Tokenizer } from "../../src/model/tokenizer";
import { fitMeasured, fitPrompt, fitTokens, inputTooLong, noteTruncation, packItems, packPrompt } from "../../src/prompts/fit";
import type { Truncation } from "../../src/prompts/types";
import { countTokens } from "../support/build-context";

const FOX = "The quick brown fox jumps over the lazy dog."; // 10 tokens

describe("fitTokens", () => {
  it.each([
    { max: 10, keep: "start", text: FOX, dropped: 0 },
    { max: 4, keep: "start", text: "The quick brown fox", dropped: 6 },
    { max: 3, keep: "end", text: " lazy dog.", dropped: 7 },
    { max: 0, keep: "end", text: "", dropped: 10 },
    { max: -5, keep: "start", text: "", dropped: 10 },
  ] as const)("keeps the $keep within $max tokens", ({ max, keep, text, dropped }) => {
    expect(fitTokens(gpt2Tokenizer, FOX, max, keep)).toEqual({ text, dropped });
  });

  it.each([
    { keep: "start", max: 4, text: "café " },
    { keep: "end", max: 2, text: " ok" },
  ] as const)("drops a character split by the cut ($keep)", ({ keep, max, text }) => {
    // "😀" spans two tokens: [66 c, 1878 af, 2634 é, 30325 " \xF0\x9F", 222 "\x98\x80", 12876 " ok"].
    expect(fitTokens(gpt2Tokenizer, "café 😀 ok", max, keep)).toEqual({ text, dropped: 6 - max });
  });
});

describe("fitPrompt", () => {
  it("cuts by the real count of the composed prompt, not the sum of its parts", () => {
    // "\n\n" is one token alone, but two before "Q", so the joined prompt is one token longer.
    const text = "alpha beta gamma delta epsilon\n\n";
    const compose = (cut: string) => `${cut}Q: end`;
    const max = 8;
    const naive = fitTokens(gpt2Tokenizer, text, max - countTokens(compose("")), "end");
    expect(countTokens(compose(naive.text))).toBeGreaterThan(max);

    const fitted = fitPrompt(gpt2Tokenizer, text, "end", max, compose);
    expect(fitted).toEqual({ text: " epsilon\n\n", dropped: 4 });
    expect(countTokens(compose(fitted!.text))).toBeLessThanOrEqual(max);
  });

  it("leaves text that already fits untouched", () => {
    expect(fitPrompt(gpt2Tokenizer, FOX, "start", 20, (cut) => `${cut}\nTL;DR:`)).toEqual({ text: FOX, dropped: 0 });
  });

  it.each([
    { max: 5, minTokens: 1, text: null },
    { max: 6, minTokens: 1, text: "The" },
    { max: 6, minTokens: 2, text: null },
    { max: 7, minTokens: 2, text: "The quick" },
  ])("with a 5-token suffix, max $max and minTokens $minTokens keeps $text", ({ max, minTokens, text }) => {
    const result = fitPrompt(gpt2Tokenizer, FOX, "start", max, (cut) => `${cut}\nTL;DR:`, minTokens);
    expect(result?.text ?? null).toBe(text);
  });
});

describe("fitMeasured", () => {
  it("fits the worst of several measures sharing the cut text", () => {
    const tails = [" a", " much longer tail here"];
    const measure = (cut: string) => Math.max(...tails.map((tail) => countTokens(cut + tail)));
    const fitted = fitMeasured(gpt2Tokenizer, FOX, "end", 8, measure);
    // The longer tail takes 4 tokens, leaving 4 for the end of the text.
    expect(fitted).toEqual({ text: " the lazy dog.", dropped: 6 });
  });
});

describe("packItems and packPrompt", () => {
  /** The real tokenizer, counting how often it is asked. */
  const watched = () => {
    const calls = { count: 0 };
    const count = (text: string) => {
      calls.count += 1;
      return gpt2Tokenizer.count(text);
    };
    return { tokenizer: { ...gpt2Tokenizer, count }, calls };
  };

  it("packPrompt keeps a prompt of no more bytes than tokens without tokenizing it", () => {
    const { tokenizer, calls } = watched();
    const compose = (kept: readonly string[]) => `${kept.join("")}Q: why?\nA:`;
    expect(packPrompt(tokenizer, ["Q: a\nA: b\n\n"], 32, compose)).toEqual({ items: ["Q: a\nA: b\n\n"], dropped: 0 });
    expect(calls.count).toBe(0);
  });

  it("packPrompt counts UTF-8 bytes, not characters, before skipping the tokenizer", () => {
    const { tokenizer, calls } = watched();
    // 12 characters but 36 bytes: over a 20-token budget by bytes, so the tokenizer decides.
    const text = "日本語の文章です。日本語の";
    const packed = packPrompt(tokenizer, [text], 20, (kept) => kept.join(""));
    expect(calls.count).toBeGreaterThan(0);
    expect(packed?.items).toEqual(gpt2Tokenizer.count(text) <= 20 ? [text] : []);
  });

  const items = ["Q: a\nA: b\n\n", "Q: c\nA: d\n\n", "Q: e\nA: f\n\n"];

  it("packItems keeps leading items by the sum of their counts", () => {
    const each = countTokens(items[0]!);
    expect(packItems(gpt2Tokenizer, items, each * 2)).toEqual({ items: items.slice(0, 2), dropped: 1 });
    expect(packItems(gpt2Tokenizer, items, each * 2 - 1)).toEqual({ items: items.slice(0, 1), dropped: 2 });
  });

  it("packPrompt drops an item when the seams make the joined prompt too long", () => {
    const compose = (kept: readonly string[]) => `${kept.join("")}Q: x\nA:`;
    const partsSum = countTokens(compose([])) + countTokens(items[0]!) + countTokens(items[1]!);
    expect(countTokens(compose(items.slice(0, 2)))).toBeGreaterThan(partsSum);
    expect(packPrompt(gpt2Tokenizer, items, partsSum, compose)).toEqual({ items: items.slice(0, 1), dropped: 2 });
    expect(packPrompt(gpt2Tokenizer, items, 1000, compose)).toEqual({ items, dropped: 0 });
  });

  it("packPrompt returns null when the fixed part alone does not fit", () => {
    expect(packPrompt(gpt2Tokenizer, items, 3, () => "Q: a long question\nA:")).toBeNull();
  });
});

describe("noteTruncation and inputTooLong", () => {
  it("records only real cuts", () => {
    const list: Truncation[] = [];
    noteTruncation(list, "document", 0, "tokens");
    noteTruncation(list, "history", 2, "items");
    expect(list).toEqual([{ field: "history", dropped: 2, unit: "items" }]);
  });

  it("builds a 422 input_too_long error naming the field", () => {
    const error = inputTooLong("question", 1024, 32);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ type: "input_too_long", details: { path: ["question"], contextTokens: 1024 } });
    expect(describeError(error).status).toBe(422);
  });
});
