import { describe, expect, it } from "vitest";
import { generateTask } from "../../src/prompts/generate";
import { asGenerate, countTokens, generated, makeContext, thrownBy } from "../support/build-context";

const context = (overrides = {}) => makeContext({ decoding: generateTask.decoding!, ...overrides });
const PROMPT = "The quick brown fox jumps over the lazy dog."; // 10 tokens

describe("generate", () => {
  it("samples top-k 40 for 64 tokens by default", () => {
    expect(generateTask.decoding).toEqual({ strategy: "sample", topK: 40, maxTokens: 64 });
    expect(generateTask.template).toMatchObject({ source: "reconstruction", format: "{prompt}" });
  });

  it("sends the prompt exactly as given", () => {
    const plan = asGenerate(generateTask.build({ prompt: "Once upon a time " }, context()));
    expect(plan).toEqual({
      kind: "generate",
      prompt: "Once upon a time ",
      decoding: { strategy: "sample", topK: 40, maxTokens: 64 },
      truncation: [],
    });
  });

  it("cuts the prompt's start, keeping the part the continuation follows", () => {
    const ctx = context({ contextTokens: 8, decoding: { strategy: "sample", topK: 40, maxTokens: 4 } });
    const plan = asGenerate(generateTask.build({ prompt: PROMPT }, ctx));
    expect(plan.prompt).toBe(" the lazy dog.");
    expect(plan.truncation).toEqual([{ field: "prompt", dropped: 6, unit: "tokens" }]);
    expect(countTokens(plan.prompt) + 4).toBeLessThanOrEqual(8);
  });

  it("rejects new tokens that fill the whole context", () => {
    const ctx = context({ contextTokens: 64, decoding: { strategy: "sample", topK: 40, maxTokens: 64 } });
    expect(thrownBy(() => generateTask.build({ prompt: PROMPT }, ctx))).toMatchObject({
      type: "input_too_long",
      details: { path: ["prompt"] },
    });
  });

  it.each([" and then\n\nmore ", ""])("returns the generation unprocessed: %j", (text) => {
    expect(generateTask.postprocess(generated(text), { prompt: PROMPT }, context())).toEqual({ text });
  });
});
