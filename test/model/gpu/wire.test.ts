import { describe, expect, it } from "vitest";
import { completionResponseSchema, readPlainCompletion } from "../../../src/model/gpu/wire";

const plain = {
  id: "cmpl-1",
  choices: [{ index: 0, text: " Paris", finish_reason: "stop", logprobs: null }],
  usage: { prompt_tokens: 5, completion_tokens: 1 },
};
const withLogprobs = {
  choices: [{ index: 0, text: " a", finish_reason: "length", logprobs: { tokens: [" a"], token_logprobs: [-1], text_offset: [0] } }],
};

describe("readPlainCompletion", () => {
  it.each<[string, unknown]>([
    ["vLLM's plain answer", plain],
    ["TGI without usage", { choices: [{ index: 0, text: "x", finish_reason: "eos_token" }] }],
    ["usage null, finish null", { choices: [{ index: 1, text: "", finish_reason: null }], usage: null }],
  ])("takes %s as the schema does", (_name, body) => {
    const fast = readPlainCompletion(body);
    expect(fast).toBeDefined();
    expect(completionResponseSchema.parse(body)).toEqual(completionResponseSchema.parse(fast));
  });

  it.each<[string, unknown]>([
    ["logprobs (left to the schema)", withLogprobs],
    ["no choices", { choices: [] }],
    ["a text that is not a string", { choices: [{ index: 0, text: 5 }] }],
    ["a negative index", { choices: [{ index: -1, text: "" }] }],
    ["a fractional usage", { choices: [{ index: 0, text: "" }], usage: { prompt_tokens: 1.5 } }],
    ["null", null],
    ["an array", [plain]],
  ])("leaves %s to the schema", (_name, body) => {
    expect(readPlainCompletion(body)).toBeUndefined();
  });
});
