import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InferenceSession } from "#ort";
import { getHeadDim } from "../../../infra/model/gpt2-config";
import { GPT2_ONNX_DIMS } from "../../../infra/model/gpt2-onnx-names";
import { openTinyModel, TINY_CONFIG } from "./gpt2-session";

const { batch, sequence, past, total } = GPT2_ONNX_DIMS;
const heads = TINY_CONFIG.nHead;
const headDim = getHeadDim(TINY_CONFIG);

describe("generated GPT-2 ONNX interface", () => {
  let session: InferenceSession;
  beforeAll(async () => {
    ({ session } = await openTinyModel(1));
  });
  afterAll(() => session.release());

  it("has Optimum's input and output names, in order", () => {
    expect(session.inputNames).toEqual([
      "input_ids",
      "attention_mask",
      "position_ids",
      "past_key_values.0.key",
      "past_key_values.0.value",
      "past_key_values.1.key",
      "past_key_values.1.value",
    ]);
    expect(session.outputNames).toEqual(["logits", "present.0.key", "present.0.value", "present.1.key", "present.1.value"]);
  });

  it("declares int64 ids and float32 caches with fixed head dims a loader can read", () => {
    const shapes = Object.fromEntries(
      session.inputMetadata.map((meta) => [meta.name, meta.isTensor ? { type: meta.type, shape: meta.shape } : undefined]),
    );
    expect(shapes.input_ids).toEqual({ type: "int64", shape: [batch, sequence] });
    expect(shapes.attention_mask).toEqual({ type: "int64", shape: [batch, total] });
    expect(shapes.position_ids).toEqual({ type: "int64", shape: [batch, sequence] });
    expect(shapes["past_key_values.1.value"]).toEqual({ type: "float32", shape: [batch, heads, past, headDim] });
  });

  it("declares logits over the full GPT-2 vocabulary and presents over past + new tokens", () => {
    const shapes = Object.fromEntries(session.outputMetadata.map((meta) => [meta.name, meta.isTensor ? meta.shape : undefined]));
    expect(shapes.logits).toEqual([batch, sequence, 50257]);
    expect(shapes["present.0.key"]).toEqual([batch, heads, total, headDim]);
  });
});
