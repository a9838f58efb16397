import { describe, expect, it } from "vitest";
import type { Decoding } from "../../../src/model/backend";
import {
  applyLogitsProcessors,
  createLogitsProcessors,
  createTemperatureProcessor,
  createTopKProcessor,
  createTopPProcessor,
} from "../../../src/model/edge/logits-processors";
import { createRng } from "../../../src/model/edge/sample-token";
import { createGreedySampler, createMultinomialSampler, createTokenChooser } from "../../../src/model/edge/token-samplers";

// Deterministic synthetic logits (V8's Math.sin is the same in workerd and Node).
const logitsAt = (step: number) => Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 12.9898 + step * 78.233) * 4);
const probabilities = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);

describe("logits processors", () => {
  it("top-k keeps the k most likely ids, most likely first, lowest id on ties", () => {
    const { ids } = applyLogitsProcessors([createTopKProcessor(3)], Float32Array.from([1, 5, 3, 5, 0]));
    expect(ids).toEqual([1, 3, 2]);
  });

  it("top-p keeps the smallest prefix reaching p, and always one id", () => {
    expect(applyLogitsProcessors([createTopPProcessor(0.75)], probabilities).ids).toEqual([0, 1]);
    expect(applyLogitsProcessors([createTopPProcessor(0.85)], probabilities).ids).toEqual([0, 1, 2]);
    expect(applyLogitsProcessors([createTopPProcessor(0)], probabilities).ids).toEqual([0]);
  });

  it("top-p sees the temperature applied before it, so temperature then top-p differs from top-p then temperature", () => {
    const hot = createTemperatureProcessor(4);
    const nucleus = createTopPProcessor(0.75);
    // Flattened by T=4, the first two ids no longer hold 80% of the mass.
    expect(applyLogitsProcessors([hot, nucleus], probabilities).ids).toEqual([0, 1, 2]);
    expect(applyLogitsProcessors([nucleus, hot], probabilities).ids).toEqual([0, 1]);
  });

  it("top-k after top-p cuts the nucleus, top-p after top-k renormalises over the k ids", () => {
    expect(applyLogitsProcessors([createTopPProcessor(0.9), createTopKProcessor(2)], probabilities).ids).toEqual([0, 1]);
    // Over ids 0 and 1 alone, id 0 holds 0.5 / 0.8 = 62.5%.
    expect(applyLogitsProcessors([createTopKProcessor(2), createTopPProcessor(0.6)], probabilities).ids).toEqual([0]);
    expect(applyLogitsProcessors([createTopKProcessor(2), createTopPProcessor(0.7)], probabilities).ids).toEqual([0, 1]);
  });

  it("a decoding lists temperature, top-k, top-p in transformers' order and nothing for greedy or no-op values", () => {
    const sampled: Decoding = { strategy: "sample", maxTokens: 4, temperature: 4, topK: 3, topP: 0.75 };
    // In this order the nucleus is taken over the flattened top 3; top-p first would keep [0, 1].
    expect(applyLogitsProcessors(createLogitsProcessors(sampled), probabilities)).toMatchObject({ ids: [0, 1, 2], temperature: 4 });
    expect(createLogitsProcessors({ ...sampled, strategy: "greedy" })).toEqual([]);
    expect(createLogitsProcessors({ ...sampled, temperature: 0 })).toEqual([]);
    expect(createLogitsProcessors({ strategy: "sample", maxTokens: 4, temperature: 1, topK: 0, topP: 1 })).toEqual([]);
  });
});

describe("samplers", () => {
  it("greedy takes the argmax, lowest id on ties, and what processors left", () => {
    const greedy = createGreedySampler();
    expect(greedy({ logits: Float32Array.from([1, 3, 3]), temperature: 1 })).toBe(1);
    expect(greedy({ logits: Float32Array.from([1, 3, 3]), ids: [2, 0], temperature: 1 })).toBe(2);
  });

  it("multinomial draws only from the allowed ids, in proportion to their weight", () => {
    const sample = createMultinomialSampler(createRng(3));
    const candidates = applyLogitsProcessors([createTopKProcessor(2)], probabilities);
    const draws = Array.from({ length: 4000 }, () => sample(candidates));
    expect(new Set(draws)).toEqual(new Set([0, 1]));
    expect(draws.filter((id) => id === 0).length / draws.length).toBeCloseTo(0.5 / 0.8, 1);
  });

  it("top-k 1 samples what greedy picks", () => {
    const choose = createTokenChooser({ strategy: "sample", maxTokens: 4, topK: 1, temperature: 2, seed: 5 });
    for (let step = 0; step < 8; step += 1)
      expect(choose(logitsAt(step))).toBe(createGreedySampler()({ logits: logitsAt(step), temperature: 1 }));
  });
});

describe("seeded sampling", () => {
  // Drawn by the single pickToken function this pipeline replaced: the same seed must keep drawing them.
  it.each([
    [{ temperature: 0.8, topK: 10, topP: 0.9, seed: 7 }, [63, 12, 21, 57, 22, 30, 53, 46, 9, 17, 26, 19, 43, 20, 29, 37]],
    [{ temperature: 1.3, seed: 7 }, [63, 12, 31, 0, 50, 29, 9, 1, 53, 34, 55, 49, 44, 49, 44, 36]],
    [{ topP: 0.5, seed: 8 }, [48, 41, 35, 57, 21, 30, 37, 46, 10, 62, 55, 34, 12, 6, 29, 8]],
  ])("draws the recorded ids for %o", (settings, expected) => {
    const choose = createTokenChooser({ strategy: "sample", maxTokens: 16, ...settings });
    expect(Array.from({ length: 16 }, (_, step) => choose(logitsAt(step)))).toEqual(expected);
  });

  it("repeats for a seed and changes with it", () => {
    const draw = (seed: number) => {
      const choose = createTokenChooser({ strategy: "sample", maxTokens: 16, temperature: 1.5, seed });
      return Array.from({ length: 16 }, (_, step) => choose(logitsAt(step)));
    };
    expect(draw(11)).toEqual(draw(11));
    expect(draw(12)).not.toEqual(draw(11));
  });
});
