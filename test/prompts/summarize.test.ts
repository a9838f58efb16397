import { describe, expect, it } from "vitest";
import { summarizeTask } from "../../src/prompts/summarize";
import { asGenerate, countTokens, generated, makeContext, thrownBy } from "../support/build-context";

const ARTICLE =
  "The city council voted on Tuesday to expand the bike lane network across the whole of the northern districts. " +
  "The plan adds 40 km of lanes by 2028 and costs twelve million euros."; // 36 tokens

const context = (overrides = {}) => makeContext({ decoding: summarizeTask.decoding!, ...overrides });

describe("summarize build", () => {
  it("uses the paper's decoding: top-k 2 sampling for 100 tokens", () => {
    expect(summarizeTask.decoding).toEqual({ strategy: "sample", topK: 2, maxTokens: 100 });
    expect(summarizeTask.template).toMatchObject({ id: "gpt2-paper/v1", source: "paper" });
  });

  it("appends the TL;DR: suffix to the article", () => {
    const plan = asGenerate(summarizeTask.build({ text: "Storms hit the coast." }, context()));
    expect(plan.prompt).toBe("Storms hit the coast.\nTL;DR:");
    expect(plan.truncation).toEqual([]);
    expect(plan.decoding).toEqual({ strategy: "sample", topK: 2, maxTokens: 100 });
  });

  it("cuts the article's end, never the suffix, to fit prompt plus new tokens", () => {
    const ctx = context({ contextTokens: 64, decoding: { strategy: "sample", topK: 2, maxTokens: 32 } });
    const plan = asGenerate(summarizeTask.build({ text: ARTICLE }, ctx));
    expect(plan.prompt).toBe(
      "The city council voted on Tuesday to expand the bike lane network across the whole of the northern districts. The plan adds 40 km of lanes\nTL;DR:",
    );
    expect(plan.truncation).toEqual([{ field: "text", dropped: 9, unit: "tokens" }]);
    expect(countTokens(plan.prompt) + 32).toBeLessThanOrEqual(64);
  });

  it("rejects an input when the suffix and new tokens leave no room for the article", () => {
    const ctx = context({ contextTokens: 64, decoding: { strategy: "sample", topK: 2, maxTokens: 61 } });
    expect(thrownBy(() => summarizeTask.build({ text: ARTICLE }, ctx))).toMatchObject({
      type: "input_too_long",
      details: { path: ["text"] },
    });
  });
});

describe("summarize postprocess", () => {
  it.each([
    {
      text: " The council expands bike lanes. It adds 40 km. Costs are high. Critics object.",
      summary: "The council expands bike lanes. It adds 40 km. Costs are high.",
    },
    { text: " Lanes grow by 2.5 km a year. Done", summary: "Lanes grow by 2.5 km a year. Done" },
    { text: "", summary: "" },
  ])("keeps the first three sentences of $text", ({ text, summary }) => {
    expect(summarizeTask.postprocess(generated(text), { text: ARTICLE }, context())).toEqual({ summary });
  });
});
