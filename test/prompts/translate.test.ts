import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors/api-error";
import { EN_FR_EXAMPLES } from "../../src/prompts/translate-examples";
import { translateTask } from "../../src/prompts/translate";
import { asGenerate, countTokens, generated, makeContext, thrownBy } from "../support/build-context";

const context = (overrides = {}) => makeContext({ decoding: translateTask.decoding!, ...overrides });
const GERMAN = [
  { source: "Guten Morgen.", target: "Good morning." },
  { source: "Danke.", target: "Thank you." },
];

describe("translate build", () => {
  it("decodes greedily for 64 tokens up to a newline", () => {
    expect(translateTask.decoding).toEqual({ strategy: "greedy", maxTokens: 64, stop: ["\n"] });
    expect(translateTask.template.source).toBe("paper");
  });

  it.each([
    {
      name: "en → fr with the default pairs",
      input: { text: "The museum opens at nine.", from: "en", to: "fr" },
      starts: "Good morning. = Bonjour.\nThank you very much. = Merci beaucoup.\n",
      ends: "\nI do not understand the question. = Je ne comprends pas la question.\nThe museum opens at nine. =",
    },
    {
      name: "fr → en with the default pairs swapped",
      input: { text: "Le musée ouvre à neuf heures.", from: "fr", to: "en" },
      starts: "Bonjour. = Good morning.\nMerci beaucoup. = Thank you very much.\n",
      ends: "\nJe ne comprends pas la question. = I do not understand the question.\nLe musée ouvre à neuf heures. =",
    },
    {
      name: "upper-case codes",
      input: { text: "Hello.", from: "EN", to: "Fr" },
      starts: "Good morning. = Bonjour.\n",
      ends: "\nHello. =",
    },
  ])("formats $name", ({ input, starts, ends }) => {
    const plan = asGenerate(translateTask.build(input, context()));
    expect(plan.prompt.startsWith(starts)).toBe(true);
    expect(plan.prompt.endsWith(ends)).toBe(true);
    expect(plan.prompt.split("\n")).toHaveLength(EN_FR_EXAMPLES.length + 1);
  });

  it("uses the caller's examples for any pair, one line each", () => {
    const plan = asGenerate(translateTask.build({ text: " Ich bin\nmüde. ", from: "de", to: "en", examples: GERMAN }, context()));
    expect(plan.prompt).toBe("Guten Morgen. = Good morning.\nDanke. = Thank you.\nIch bin müde. =");
  });

  it.each([
    { name: "a pair without shipped examples", input: { text: "Hallo.", from: "de", to: "en" }, path: ["examples"] },
    { name: "the same language twice", input: { text: "Hello.", from: "en", to: "EN" }, path: ["to"] },
  ])("rejects $name", ({ input, path }) => {
    const error = thrownBy(() => translateTask.build(input, context()));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ type: "invalid_request", details: { path } });
  });

  it("drops trailing examples, never the text, to fit", () => {
    const ctx = context({ contextTokens: 114, decoding: { strategy: "greedy", maxTokens: 64, stop: ["\n"] } });
    const plan = asGenerate(translateTask.build({ text: "The museum opens at nine.", from: "en", to: "fr" }, ctx));
    expect(plan.prompt).toBe(
      "Good morning. = Bonjour.\nThank you very much. = Merci beaucoup.\nWhere is the train station? = Où est la gare ?\nThe museum opens at nine. =",
    );
    expect(plan.truncation).toEqual([{ field: "examples", dropped: 7, unit: "items" }]);
    expect(countTokens(plan.prompt) + 64).toBeLessThanOrEqual(114);
  });

  it("rejects a text that cannot fit with the new tokens", () => {
    const ctx = context({ contextTokens: 70 });
    const text = "The museum, which was closed for three years of renovation, opens again at nine.";
    expect(thrownBy(() => translateTask.build({ text, from: "en", to: "fr" }, ctx))).toMatchObject({
      type: "input_too_long",
      details: { path: ["text"] },
    });
  });
});

describe("translate schema", () => {
  it.each([
    { input: { text: "Hi.", from: "en", to: "pt-br" }, ok: true },
    { input: { text: "Hi.", from: "english", to: "fr" }, ok: false },
    { input: { text: "Hi.", from: "en", to: "fr", examples: [] }, ok: false },
    { input: { text: " ", from: "en", to: "fr" }, ok: false },
  ])("accepts $input: $ok", ({ input, ok }) => {
    expect(translateTask.input.safeParse(input).success).toBe(ok);
  });
});

describe("translate postprocess", () => {
  const input = { text: "The museum opens at nine.", from: "en", to: "fr" };
  it.each([
    { text: " Le musée ouvre à neuf heures. Il fait beau.\nThe", translation: "Le musée ouvre à neuf heures." },
    { text: " Où est la gare ?\n", translation: "Où est la gare ?" },
    { text: " Il coûte 2.50 euros", translation: "Il coûte 2.50 euros" },
  ])("keeps the first sentence of $text", ({ text, translation }) => {
    expect(translateTask.postprocess(generated(text), input, context())).toEqual({ translation });
  });
});
