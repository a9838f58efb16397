import { describe, expect, it } from "vitest";
import { END_OF_TEXT, END_OF_TEXT_ID, gpt2Tokenizer } from "../../src/model/tokenizer";

describe("gpt2Tokenizer", () => {
  it.each([
    { text: "Hello world", ids: [15496, 995] },
    { text: "<|endoftext|>", ids: [50256] },
    { text: "<|endoftext|>Hello", ids: [50256, 15496] },
    { text: "\n\n", ids: [628] },
  ])("encodes $text", ({ text, ids }) => {
    expect(gpt2Tokenizer.encode(text)).toEqual(ids);
    expect(gpt2Tokenizer.count(text)).toBe(ids.length);
  });

  it("decodes back to the text and exposes the end-of-text id", () => {
    expect(gpt2Tokenizer.decode([15496, 995])).toBe("Hello world");
    expect(gpt2Tokenizer.encode(END_OF_TEXT)).toEqual([END_OF_TEXT_ID]);
  });

  it("decodes each call on its own: half a character never leaks into the next call", () => {
    const ids = gpt2Tokenizer.encode("a 😀 b"); // [64, 30325, 222, 275]: the emoji spans two tokens
    expect(ids).toEqual([64, 30325, 222, 275]);
    expect(gpt2Tokenizer.decode(ids.slice(0, 2))).toBe("a \uFFFD");
    expect(gpt2Tokenizer.decode(ids.slice(2))).toBe("\uFFFD b");
    expect(gpt2Tokenizer.decode(ids)).toBe("a 😀 b");
  });
});
