import { describe, expect, it } from "vitest";
import { completeTask } from "../../src/prompts/complete";
import { isStopWord, STOPWORD_COUNT } from "../../src/prompts/stopwords";
import { asFollowUp, asGenerate, countTokens, generated, makeContext, thrownBy } from "../support/build-context";

const PASSAGE = "She fumbled in the dark until her fingers closed around the matches. With a shaking hand she lit the old oil"; // 23 tokens
const INPUT = { text: PASSAGE };
const context = (overrides = {}) => makeContext({ decoding: completeTask.decoding!, ...overrides });
const FILTER_OFF = { options: { stopwordFilter: false } };

/** A greedy generation with the first position's alternatives. */
const withAlternatives = (text: string, alternatives: Array<[string, number]>) =>
  generated(text, { topLogprobs: [alternatives.map(([token, logprob]) => ({ token, logprob }))] });

describe("complete build", () => {
  it("decodes greedily for 5 tokens", () => {
    expect(completeTask.decoding).toEqual({ strategy: "greedy", maxTokens: 5 });
    expect(completeTask.template).toMatchObject({ source: "paper", format: "{text}" });
  });

  it.each([
    { name: "the filter on by default", overrides: {}, decoding: { strategy: "greedy", maxTokens: 5, topLogprobs: 10 } },
    {
      name: "the filter on",
      overrides: { options: { stopwordFilter: true } },
      decoding: { strategy: "greedy", maxTokens: 5, topLogprobs: 10 },
    },
    { name: "the filter off", overrides: FILTER_OFF, decoding: { strategy: "greedy", maxTokens: 5 } },
  ])("prompts with the passage minus trailing whitespace, $name", ({ overrides, decoding }) => {
    const plan = asGenerate(completeTask.build({ text: `${PASSAGE} \n` }, context(overrides)));
    expect(plan.prompt).toBe(PASSAGE);
    expect(plan.decoding).toEqual(decoding);
    expect(plan.truncation).toEqual([]);
  });

  it("cuts the passage's start, keeping the words before the prediction", () => {
    const plan = asGenerate(completeTask.build(INPUT, context({ contextTokens: 16 })));
    expect(plan.prompt).toBe(" matches. With a shaking hand she lit the old oil");
    expect(plan.truncation).toEqual([{ field: "text", dropped: 12, unit: "tokens" }]);
    expect(countTokens(plan.prompt) + 5).toBeLessThanOrEqual(16);
  });

  it("rejects a context with no room beside the new tokens", () => {
    expect(thrownBy(() => completeTask.build(INPUT, context({ contextTokens: 5 })))).toMatchObject({
      type: "input_too_long",
      details: { path: ["text"] },
    });
  });
});

describe("complete postprocess without the filter", () => {
  it.each([
    { text: " lamp. She", word: "lamp" },
    { text: "lamp", word: "lamp" },
    { text: "\n\nlantern,", word: "lantern" },
    { text: " rock-n-roll!", word: "rock-n-roll" },
    { text: " don’t know", word: "don’t" },
    { text: " 1969, he", word: "1969" },
    { text: " café.", word: "café" },
    { text: ' "lamp"', word: "" },
    { text: " ...", word: "" },
    { text: " the lamp", word: "the" },
  ])("takes the first whole word of $text", ({ text, word }) => {
    expect(completeTask.postprocess(generated(text), INPUT, context(FILTER_OFF))).toEqual({ word });
  });
});

describe("complete stop-word filter", () => {
  const alternatives: Array<[string, number]> = [
    [" lamp", -2.3],
    [" the", -0.4],
    ["lamp", -1.2],
    [",", -1.4],
    [" it", -1.6],
    [" 42", -1.7],
    [" Mich", -2.1],
  ];

  it("keeps a greedy word that is not a stop word", () => {
    expect(completeTask.postprocess(withAlternatives(" lamp.", alternatives), INPUT, context())).toEqual({ word: "lamp" });
  });

  it("re-generates after the best alternative that starts a non-stop word and glues the word", () => {
    const ctx = context();
    const step = asFollowUp(completeTask.postprocess(withAlternatives(" the lamp", alternatives), INPUT, ctx));
    expect(step.followUp).toEqual({
      kind: "generate",
      prompt: `${PASSAGE} Mich`,
      decoding: { strategy: "greedy", maxTokens: 4 },
      truncation: [],
    });
    expect(step.finish(generated("elle, she said"))).toEqual({ word: "Michelle" });
    expect(step.finish(generated(" and"))).toEqual({ word: "Mich" });
    expect(step.finish(generated("-like."))).toEqual({ word: "Mich-like" });
  });

  it("carries the first plan's truncation into the follow-up", () => {
    const step = asFollowUp(completeTask.postprocess(withAlternatives(" the", alternatives), INPUT, context({ contextTokens: 16 })));
    expect(step.followUp).toMatchObject({
      prompt: " matches. With a shaking hand she lit the old oil Mich",
      truncation: [{ field: "text", dropped: 12, unit: "tokens" }],
    });
  });

  it("finishes without a follow-up when the client left no room for one", () => {
    const ctx = context({ contextTokens: 12, decoding: { strategy: "greedy", maxTokens: 1 } });
    expect(completeTask.postprocess(withAlternatives(" the", alternatives), INPUT, ctx)).toEqual({ word: "Mich" });
  });

  it.each([
    {
      name: "no alternative qualifies",
      result: withAlternatives(" the", [
        [" the", -0.4],
        [" it", -1],
        ["lamp", -2],
        [" 42", -3],
      ]),
    },
    { name: "topLogprobs is missing", result: generated(" the") },
  ])("keeps the stop word when $name", ({ result }) => {
    expect(completeTask.postprocess(result, INPUT, context())).toEqual({ word: "the" });
  });

  it("keeps the stop word when the filter is off", () => {
    expect(completeTask.postprocess(withAlternatives(" the", alternatives), INPUT, context(FILTER_OFF))).toEqual({ word: "the" });
  });
});

describe("stop words", () => {
  it("ships NLTK's English list", () => {
    expect(STOPWORD_COUNT).toBe(179);
  });

  it.each([
    { word: "The", stop: true },
    { word: "don’t", stop: true },
    { word: "wouldn't", stop: true },
    { word: "lamp", stop: false },
    { word: "", stop: false },
  ])("$word is a stop word: $stop", ({ word, stop }) => {
    expect(isStopWord(word)).toBe(stop);
  });
});
