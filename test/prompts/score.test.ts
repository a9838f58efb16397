import { describe, expect, it } from "vitest";
import { scoreTask } from "../../src/prompts/score";
import { asScore, countTokens, makeContext, scored, thrownBy } from "../support/build-context";

const context = (overrides = {}) => makeContext({ decoding: { strategy: "greedy", maxTokens: 1 }, ...overrides });
const FOX = "The quick brown fox jumps over the lazy dog."; // 10 tokens

describe("score build", () => {
  it("scores every token of the text after end-of-text", () => {
    expect(scoreTask.decoding).toBeNull();
    const plan = asScore(scoreTask.build({ text: FOX }, context()));
    expect(plan.requests).toEqual([{ context: "<|endoftext|>", continuation: FOX }]);
    expect(plan.truncation).toEqual([]);
  });

  it("cuts the text's end so end-of-text, the text and the one echo token fit", () => {
    const plan = asScore(scoreTask.build({ text: FOX }, context({ contextTokens: 8 })));
    expect(plan.requests).toEqual([{ context: "<|endoftext|>", continuation: "The quick brown fox jumps over" }]);
    expect(plan.truncation).toEqual([{ field: "text", dropped: 4, unit: "tokens" }]);
    const [request] = plan.requests;
    expect(countTokens(request!.context + request!.continuation)).toBe(7);
  });

  it("conditions on a context without scoring it, cutting the context's start to fit", () => {
    const whole = asScore(scoreTask.build({ text: " over the lazy dog.", context: "The quick brown fox jumps" }, context()));
    expect(whole.requests).toEqual([{ context: "<|endoftext|>The quick brown fox jumps", continuation: " over the lazy dog." }]);
    expect(whole.truncation).toEqual([]);
    // 10 tokens of room (11 less the echo token): end-of-text, the 5 scored tokens, 4 of the context's 5.
    const cut = asScore(
      scoreTask.build({ text: " over the lazy dog.", context: "The quick brown fox jumps" }, context({ contextTokens: 11 })),
    );
    expect(cut.requests).toEqual([{ context: "<|endoftext|> quick brown fox jumps", continuation: " over the lazy dog." }]);
    expect(cut.truncation).toEqual([{ field: "context", dropped: 1, unit: "tokens" }]);
    // No room at all: the context goes, the text stays whole.
    const gone = asScore(
      scoreTask.build({ text: " over the lazy dog.", context: "The quick brown fox jumps" }, context({ contextTokens: 7 })),
    );
    expect(gone.requests).toEqual([{ context: "<|endoftext|>", continuation: " over the lazy dog." }]);
    expect(gone.truncation).toEqual([{ field: "context", dropped: 5, unit: "tokens" }]);
  });

  it("rejects a context too small for any of the text", () => {
    expect(thrownBy(() => scoreTask.build({ text: FOX }, context({ contextTokens: 2 })))).toMatchObject({
      type: "input_too_long",
      details: { path: ["text"] },
    });
  });
});

describe("score postprocess", () => {
  it.each([
    {
      name: "ASCII text",
      text: "The quick", // 9 bytes
      contextTokens: 1024,
      entry: { tokens: ["The", " quick"], logprobs: [-2, -4] },
      expected: { logprob: -6, tokens: 2, mean_logprob: -3, perplexity: Math.exp(3), bits_per_byte: 6 / Math.LN2 / 9 },
    },
    {
      name: "multi-byte text",
      text: "café", // 5 UTF-8 bytes
      contextTokens: 1024,
      entry: { tokens: ["ca", "fé"], logprobs: [-3, -1] },
      expected: { logprob: -4, tokens: 2, mean_logprob: -2, perplexity: Math.exp(2), bits_per_byte: 4 / Math.LN2 / 5 },
    },
    {
      name: "a truncated text (bytes of the scored part only)",
      text: FOX,
      contextTokens: 8, // scores "The quick brown fox jumps over": 30 bytes
      entry: { tokens: ["The", " quick", " brown", " fox", " jumps", " over"], logprobs: [-1, -1, -1, -1, -1, -1] },
      expected: { logprob: -6, tokens: 6, mean_logprob: -1, perplexity: Math.E, bits_per_byte: 6 / Math.LN2 / 30 },
    },
  ])("computes the metrics for $name", ({ text, contextTokens, entry, expected }) => {
    const output = scoreTask.postprocess(scored([entry]), { text }, context({ contextTokens })) as Record<string, number>;
    expect(Object.keys(output).sort()).toEqual(["bits_per_byte", "logprob", "mean_logprob", "perplexity", "tokens"]);
    for (const [key, value] of Object.entries(expected)) expect(output[key]).toBeCloseTo(value, 10);
  });

  it("refuses a result without scored tokens", () => {
    expect(() => scoreTask.postprocess(scored([]), { text: FOX }, context())).toThrow(TypeError);
  });
});
