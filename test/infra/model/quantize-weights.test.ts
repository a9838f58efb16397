import { describe, expect, it } from "vitest";
import { dequantizeGpt2Weights } from "../../../infra/model/dequantize-gpt2-weights";
import { createGpt2Weights } from "../../../infra/model/gpt2-weights";
import { dequantizeInt8Columns, quantizeInt8Columns } from "../../../infra/model/quantize-int8";
import { dequantizeQ4Rows, Q4_BLOCK_SIZE, quantizeQ4Rows } from "../../../infra/model/quantize-q4";
import { transposeMatrix } from "../../../infra/model/transpose-matrix";
import { TINY_CONFIG } from "./gpt2-session";

const weights = createGpt2Weights(TINY_CONFIG, 1);
const { inFeatures, outFeatures, weight } = weights.layers[0]!.fc;

describe("int8 per-column quantization", () => {
  const quantized = quantizeInt8Columns(weight, inFeatures, outFeatures);
  const restored = dequantizeInt8Columns(quantized);

  it("maps each column's largest magnitude to ±127 and every value within half a step", () => {
    for (let col = 0; col < outFeatures; col += 1) {
      const scale = quantized.scales[col]!;
      let largest = 0;
      for (let row = 0; row < inFeatures; row += 1) {
        const i = row * outFeatures + col;
        largest = Math.max(largest, Math.abs(quantized.values[i]!));
        expect(Math.abs(restored[i]! - weight[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-7);
      }
      expect(largest).toBe(127);
    }
  });

  it("gives an all-zero column zero codes and a finite scale", () => {
    const { values, scales } = quantizeInt8Columns(Float32Array.of(0, 1, 0, -2), 2, 2);
    expect([...values]).toEqual([0, 64, 0, -127]);
    expect(scales[0]).toBe(1);
  });
});

describe("q4 block quantization (MatMulNBits layout)", () => {
  it("packs two codes per byte, the earlier in the low nibble, with code 8 as zero", () => {
    const row = Float32Array.from({ length: Q4_BLOCK_SIZE }, (_, i) => (i === 0 ? -8 : i === 1 ? 7 : 0));
    const { packed, scales } = quantizeQ4Rows(row, 1, Q4_BLOCK_SIZE);
    expect(scales[0]).toBe(1); // -8 / -8
    expect(packed[0]).toBe(0x0 | (0xf << 4)); // codes 0 (-8) and 15 (+7)
    expect([...packed.subarray(1)]).toEqual(Array(15).fill(0x88));
  });

  it("keeps every value within half a step, the block extreme exact, and pads a partial block with zeros", () => {
    const rows = 3;
    const cols = 2 * Q4_BLOCK_SIZE + 5; // a partial last block
    const values = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 11)));
    const quantized = quantizeQ4Rows(values, rows, cols);
    expect(quantized.packed.length).toBe(rows * 3 * 16);
    const restored = dequantizeQ4Rows(quantized);
    for (let i = 0; i < values.length; i += 1) {
      const scale = Math.abs(quantized.scales[Math.floor(i / cols) * 3 + Math.floor((i % cols) / Q4_BLOCK_SIZE)]!);
      // Codes span [-8, 7]: the side opposite the extreme can clip by up to one step.
      expect(Math.abs(restored[i]! - values[i]!)).toBeLessThanOrEqual(scale + 1e-6);
    }
    const firstBlock = Array.from(values.subarray(0, Q4_BLOCK_SIZE));
    const extremeAt = firstBlock.reduce((best, value, i) => (Math.abs(value) > Math.abs(firstBlock[best]!) ? i : best), 0);
    expect(restored[extremeAt]).toBeCloseTo(values[extremeAt]!, 5);
    expect(quantized.packed.at(-1)).toBe(0x88);
  });
});

describe("dequantizeGpt2Weights", () => {
  it("replaces only the projections and the tied matrix", () => {
    const q4 = dequantizeGpt2Weights(TINY_CONFIG, weights, "q4");
    expect(q4.wpe).toBe(weights.wpe);
    expect(q4.layers[0]!.ln1).toBe(weights.layers[0]!.ln1);
    expect(q4.layers[0]!.attn.bias).toBe(weights.layers[0]!.attn.bias);
    expect(q4.layers[0]!.attn.weight).not.toEqual(weights.layers[0]!.attn.weight);
    expect(dequantizeGpt2Weights(TINY_CONFIG, weights, "fp32")).toBe(weights);
  });
});

describe("transposeMatrix", () => {
  it("swaps rows and columns", () => {
    expect([...transposeMatrix(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3)]).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
