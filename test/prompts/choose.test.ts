import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors/api-error";
import { chooseTask } from "../../src/prompts/choose";
import { asScore, countTokens, makeContext, scored, thrownBy } from "../support/build-context";

const context = (overrides = {}) => makeContext({ decoding: { strategy: "greedy", maxTokens: 1 }, ...overrides });
const WINOGRAD = "The trophy does not fit into the brown suitcase because ___ is too large.";
const OWNERS = ["the trophy", "the suitcase"];

describe("choose build", () => {
  it("only scores", () => {
    expect(chooseTask.decoding).toBeNull();
    expect(chooseTask.template.source).toBe("paper");
  });

  it.each([
    {
      name: "full: whitespace before the blank moves to the candidate",
      input: { text: "The cat sat on the ___ all day.", candidates: ["mat", " moon "] },
      requests: [
        { context: "The cat sat on the", continuation: " mat all day." },
        { context: "The cat sat on the", continuation: " moon all day." },
      ],
    },
    {
      name: "full: a run of whitespace collapses to one space",
      input: { text: "He opened the\n\n ___ slowly.", candidates: ["door", "box"], mode: "full" as const },
      requests: [
        { context: "He opened the", continuation: " door slowly." },
        { context: "He opened the", continuation: " box slowly." },
      ],
    },
    {
      name: "full: no whitespace before the blank",
      input: { text: "It costs $___ only.", candidates: ["5", "50"] },
      requests: [
        { context: "It costs $", continuation: "5 only." },
        { context: "It costs $", continuation: "50 only." },
      ],
    },
    {
      name: "full: nothing before the blank scores after end-of-text",
      input: { text: "  ____ barked all night.", candidates: ["The dog", "The cat"] },
      requests: [
        { context: "<|endoftext|>", continuation: "The dog barked all night." },
        { context: "<|endoftext|>", continuation: "The cat barked all night." },
      ],
    },
    {
      name: "partial: the candidate joins the context",
      input: { text: WINOGRAD, candidates: OWNERS, mode: "partial" as const },
      requests: [
        { context: "The trophy does not fit into the brown suitcase because the trophy", continuation: " is too large." },
        { context: "The trophy does not fit into the brown suitcase because the suitcase", continuation: " is too large." },
      ],
    },
  ])("$name", ({ input, requests }) => {
    const plan = asScore(chooseTask.build(input, context()));
    expect(plan.requests).toEqual(requests);
    expect(plan.truncation).toEqual([]);
  });

  it.each([
    {
      mode: "full" as const,
      contextTokens: 12,
      requests: [
        { context: " into the brown suitcase because", continuation: " the trophy is too large." },
        { context: " into the brown suitcase because", continuation: " the suitcase is too large." },
      ],
      dropped: 5,
    },
    {
      mode: "partial" as const,
      contextTokens: 12,
      requests: [
        { context: " the brown suitcase because the trophy", continuation: " is too large." },
        { context: " the brown suitcase because the suitcase", continuation: " is too large." },
      ],
      dropped: 6,
    },
  ])(
    "$mode: cuts the text before the blank, keeping its end, so the longest request fits",
    ({ mode, contextTokens, requests, dropped }) => {
      const plan = asScore(chooseTask.build({ text: WINOGRAD, candidates: OWNERS, mode }, context({ contextTokens })));
      expect(plan.requests).toEqual(requests);
      expect(plan.truncation).toEqual([{ field: "text", dropped, unit: "tokens" }]);
      for (const request of plan.requests) {
        expect(countTokens(request.context + request.continuation)).toBeLessThanOrEqual(contextTokens - 1);
      }
    },
  );

  it("rejects text whose part after the blank cannot fit", () => {
    const error = thrownBy(() => chooseTask.build({ text: WINOGRAD, candidates: OWNERS }, context({ contextTokens: 7 })));
    expect(error).toMatchObject({ type: "input_too_long", details: { path: ["text"] } });
  });

  it("rejects more candidates than the configured limit", () => {
    const error = thrownBy(() => chooseTask.build({ text: "A ___.", candidates: ["a", "b", "c"] }, context({ maxCandidates: 2 })));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ type: "invalid_request", details: { path: ["candidates"], limit: 2 } });
  });

  it.each([{ text: "Because of ___" }, { text: "Because of ___ \n" }])(
    "rejects partial scoring with nothing to score after the blank: $text",
    ({ text }) => {
      const error = thrownBy(() => chooseTask.build({ text, candidates: OWNERS, mode: "partial" }, context()));
      expect(error).toMatchObject({ type: "invalid_request", details: { path: ["text"] } });
    },
  );
});

describe("choose schema", () => {
  it.each([
    { input: { text: "A ___ b.", candidates: ["x", "y"] }, path: null },
    { input: { text: "A ____ b.", candidates: ["x", "y"], mode: "partial" }, path: null },
    { input: { text: "No blank here.", candidates: ["x", "y"] }, path: ["text"] },
    { input: { text: "Two ___ and ___.", candidates: ["x", "y"] }, path: ["text"] },
    { input: { text: "A ___ b.", candidates: ["x"] }, path: ["candidates"] },
    { input: { text: "A ___ b.", candidates: ["x", " "] }, path: ["candidates", 1] },
    { input: { text: "A ___ b.", candidates: ["x", "y"], mode: "half" }, path: ["mode"] },
  ])("validates $input", ({ input, path }) => {
    const result = chooseTask.input.safeParse(input);
    expect(result.success).toBe(path === null);
    if (path) expect(result.error?.issues[0]?.path).toEqual(path);
  });
});

describe("choose postprocess", () => {
  const input = { text: "The ___ barked.", candidates: ["cat", "dog", "owl"] };

  it("ranks by summed logprob with a softmax over the candidates", () => {
    const result = scored([
      { tokens: [" cat", " barked", "."], logprobs: [-6, -3, -1] },
      { tokens: [" dog", " barked", "."], logprobs: [-4, -3, -1] },
      { tokens: [" owl", " barked", "."], logprobs: [-8, -3, -1] },
    ]);
    const output = chooseTask.postprocess(result, input, context());
    expect(output).not.toHaveProperty("followUp");
    const { choice, ranking } = output as { choice: string; ranking: Array<{ candidate: string; logprob: number; probability: number }> };
    expect(choice).toBe("dog");
    expect(ranking.map((entry) => [entry.candidate, entry.logprob])).toEqual([
      ["dog", -8],
      ["cat", -10],
      ["owl", -12],
    ]);
    expect(ranking[0]?.probability).toBeCloseTo(0.8668133, 6);
    expect(ranking[1]?.probability).toBeCloseTo(0.1173104, 6);
    expect(ranking[2]?.probability).toBeCloseTo(0.0158762, 6);
  });

  it("stays finite for very negative logprobs", () => {
    const result = scored([
      { tokens: ["a"], logprobs: [-1001] },
      { tokens: ["b"], logprobs: [-1000] },
    ]);
    const output = chooseTask.postprocess(result, { text: "___ x", candidates: ["a", "b"] }, context()) as {
      ranking: Array<{ probability: number }>;
    };
    expect(output.ranking.map((entry) => entry.probability)).toEqual([expect.closeTo(0.7310586, 6), expect.closeTo(0.2689414, 6)]);
  });

  it("refuses a score count that does not match the candidates", () => {
    const result = scored([{ tokens: ["a"], logprobs: [-1] }]);
    expect(() => chooseTask.postprocess(result, input, context())).toThrow(TypeError);
  });
});
