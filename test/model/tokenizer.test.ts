import r50k from "gpt-tokenizer/encoding/r50k_base";
import { describe, expect, it } from "vitest";
import { END_OF_TEXT, END_OF_TEXT_ID, gpt2Tokenizer, MERGE_CACHE_ENTRIES } from "../../src/model/tokenizer";

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

describe("the BPE merge cache", () => {
  it("holds at most MERGE_CACHE_ENTRIES words however many distinct words the isolate tokenizes", () => {
    const cache = (r50k as unknown as { bytePairEncodingCoreProcessor: { mergeCache?: Map<string, unknown> } })
      .bytePairEncodingCoreProcessor.mergeCache;
    expect(cache).toBeInstanceOf(Map);
    for (let i = 0; i < MERGE_CACHE_ENTRIES + 1000; i += 1) gpt2Tokenizer.count(` zq${i.toString(36)}xv${"k".repeat(i % 7)}`);
    expect(cache?.size).toBeLessThanOrEqual(MERGE_CACHE_ENTRIES);
    expect(cache?.size).toBeGreaterThan(MERGE_CACHE_ENTRIES / 2);
  });
});
