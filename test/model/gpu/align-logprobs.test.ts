import { describe, expect, it } from "vitest";
import { alignContinuation } from "../../../src/model/gpu/align-logprobs";
import type { CompletionChoice } from "../../../src/model/gpu/wire";

function echoChoice(tokens: string[], logprobs: Array<number | null>): CompletionChoice {
  const offsets: number[] = [];
  let at = 0;
  for (const token of tokens) {
    offsets.push(at);
    at += token.length;
  }
  return {
    index: 0,
    text: tokens.join(""),
    finish_reason: "length",
    logprobs: { tokens, token_logprobs: logprobs, text_offset: offsets, top_logprobs: null },
  };
}

describe("alignContinuation", () => {
  it("takes the continuation's tokens and ignores the generated one", () => {
    const choice = echoChoice(["The", " cat", " sat", " down"], [null, -2, -3, -0.5]);
    expect(alignContinuation(choice, "The", " cat sat")).toEqual({
      tokens: [" cat", " sat"],
      logprobs: [-2, -3],
      logprob: -5,
      promptTokens: 3,
    });
  });

  it("counts a token that straddles the boundary as the continuation's", () => {
    const choice = echoChoice(["Hello", " world", "!"], [null, -1.5, -0.25]);
    expect(alignContinuation(choice, "Hello wor", "ld").tokens).toEqual([" world"]);
  });

  it("rejects a missing logprob inside the continuation", () => {
    const choice = echoChoice(["The", " cat", "."], [null, null, -1]);
    expect(() => alignContinuation(choice, "The", " cat")).toThrow(/no logprob/);
  });

  it("rejects arrays of different lengths and a missing logprobs object", () => {
    const choice = echoChoice(["a", "b"], [null]);
    expect(() => alignContinuation(choice, "a", "b")).toThrow(/length/);
    expect(() => alignContinuation({ ...choice, logprobs: null }, "a", "b")).toThrow(/no logprobs/);
  });
});
