import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InferenceSession } from "#ort";
import type { Gpt2Weights } from "../../../infra/model/gpt2-weights";
import { runReferenceGpt2 } from "../../../infra/model/reference-gpt2";
import { argmax, maxAbsDifference, openTinyModel, plainRow, runStep, sliceLogits, TINY_CONFIG } from "./gpt2-session";

// float32 ORT vs the float64 reference measures ~3e-5 on logits of magnitude ~30.
const TOLERANCE = 1e-4;
const TOKENS = [464, 3290, 318, 257, 1332, 13];

describe("generated GPT-2 ONNX vs the TypeScript reference", () => {
  let session: InferenceSession;
  let weights: Gpt2Weights;
  beforeAll(async () => {
    ({ session, weights } = await openTinyModel(1));
  });
  afterAll(() => session.release());

  it("computes the reference logits for a 6-token sequence", async () => {
    const { logits } = await runStep(session, [plainRow(TOKENS)]);
    const reference = runReferenceGpt2(TINY_CONFIG, weights, TOKENS);
    expect(logits.length).toBe(TOKENS.length * TINY_CONFIG.vocabSize);
    expect(maxAbsDifference(logits, reference)).toBeLessThan(TOLERANCE);
  });

  it("gives the same last-position logits when the 6th token is decoded against the cache of the first 5", async () => {
    const full = await runStep(session, [plainRow(TOKENS)]);
    const prefix = await runStep(session, [plainRow(TOKENS.slice(0, 5))]);
    expect(prefix.past["past_key_values.0.key"]?.dims).toEqual([1, TINY_CONFIG.nHead, 5, 16]);
    const step = await runStep(session, [{ ids: [TOKENS[5]!], positions: [5], mask: [1, 1, 1, 1, 1, 1] }], prefix.past);
    expect(step.past["past_key_values.1.value"]?.dims).toEqual([1, TINY_CONFIG.nHead, 6, 16]);
    expect(maxAbsDifference(step.logits, sliceLogits(full.logits, 0, 5, 6))).toBeLessThan(TOLERANCE);
  });

  it("ignores a left-padded key (mask 0) in a batch next to an unpadded row", async () => {
    const shorter = TOKENS.slice(1);
    const other = [40, 716, 257, 2939, 11, 290];
    const batch = await runStep(session, [
      { ids: [50256, ...shorter], positions: [1, 0, 1, 2, 3, 4], mask: [0, 1, 1, 1, 1, 1] },
      plainRow(other),
    ]);
    const alone = await runStep(session, [plainRow(shorter)]);
    const otherAlone = await runStep(session, [plainRow(other)]);
    shorter.forEach((_, position) => {
      const padded = sliceLogits(batch.logits, 0, position + 1, 6);
      expect(maxAbsDifference(padded, sliceLogits(alone.logits, 0, position, 5))).toBeLessThan(TOLERANCE);
    });
    expect(maxAbsDifference(batch.logits.subarray(6 * TINY_CONFIG.vocabSize), otherAlone.logits)).toBeLessThan(TOLERANCE);
  });

  it("decodes greedily with the cache to the reference's tokens, and not one token repeated", async () => {
    const prompt = [464, 3290, 318];
    const generated: number[] = [];
    let step = await runStep(session, [plainRow(prompt)]);
    let logits = sliceLogits(step.logits, 0, prompt.length - 1, prompt.length);
    while (generated.length < 8) {
      const next = argmax(logits);
      generated.push(next);
      const length = prompt.length + generated.length;
      step = await runStep(session, [{ ids: [next], positions: [length - 1], mask: Array(length).fill(1) }], step.past);
      logits = step.logits;
    }
    expect(new Set(generated).size).toBeGreaterThan(1);

    const referenceIds = [...prompt];
    while (referenceIds.length < prompt.length + 8) {
      const all = runReferenceGpt2(TINY_CONFIG, weights, referenceIds);
      referenceIds.push(argmax(all.subarray((referenceIds.length - 1) * TINY_CONFIG.vocabSize)));
    }
    expect(generated).toEqual(referenceIds.slice(prompt.length));
  });
});
