import { decode } from "gpt-tokenizer/encoding/r50k_base";
import { describe, expect, it } from "vitest";
import { detokenizeGpt2, END_OF_TEXT_ID, gpt2TokenText, tokenizeGpt2 } from "../../../infra/backend/gpt2-vocab";
import { stubTokenLogprob } from "../../../infra/backend/stub-logprob";

describe("GPT-2 vocabulary", () => {
  it("turns a literal <|endoftext|> into id 50256", () => {
    expect(tokenizeGpt2("Hello world<|endoftext|>Hi")).toEqual([15496, 995, END_OF_TEXT_ID, 17250]);
    expect(detokenizeGpt2([15496, END_OF_TEXT_ID])).toBe("Hello<|endoftext|>");
  });

  it("round-trips multi-byte text and decodes a partial character as U+FFFD", () => {
    const text = "It’s a café — 日本語";
    expect(detokenizeGpt2(tokenizeGpt2(text))).toBe(text);
    const [first] = tokenizeGpt2("’");
    expect(gpt2TokenText(first ?? -1)).toBe("\uFFFD");
  });

  it("does not leak half a character into the next decode, unlike gpt-tokenizer's decode", () => {
    const [partial] = tokenizeGpt2("’");
    detokenizeGpt2([partial ?? -1]);
    expect(detokenizeGpt2([15496])).toBe("Hello");
    // The library's shared streaming decoder carries the bytes over.
    decode([partial ?? -1]);
    expect(decode([tokenizeGpt2("’")[1] ?? -1])).toBe("’");
  });
});

describe("stubTokenLogprob", () => {
  it("is deterministic and stays within [-12, -0.05]", () => {
    expect(stubTokenLogprob(464, 3797)).toBe(stubTokenLogprob(464, 3797));
    for (let id = 0; id < 2000; id += 1) {
      const value = stubTokenLogprob(id % 7 === 0 ? undefined : id * 31, id);
      expect(value).toBeGreaterThanOrEqual(-12);
      expect(value).toBeLessThanOrEqual(-0.05);
    }
  });
});
