import type { LayerNormWeights, LinearWeights } from "./gpt2-weights";

// Plain float64 kernels over row-major [rows, width] matrices, written for
// clarity: they are the yardstick the ONNX graph is measured against.

const LAYER_NORM_EPSILON = 1e-5;
const GELU_SCALE = Math.sqrt(2 / Math.PI);

/**
 * Normalizes each row to mean 0 / variance 1 (biased variance, eps 1e-5), then applies gain and bias.
 *
 * @example
 * const normed = applyLayerNorm(hidden, rows, width, weights.lnF);
 */
export function applyLayerNorm(input: Float64Array, rows: number, width: number, norm: LayerNormWeights): Float64Array {
  const output = new Float64Array(rows * width);
  for (let row = 0; row < rows; row += 1) {
    const offset = row * width;
    let mean = 0;
    for (let j = 0; j < width; j += 1) mean += input[offset + j]!;
    mean /= width;
    let variance = 0;
    for (let j = 0; j < width; j += 1) variance += (input[offset + j]! - mean) ** 2;
    const scale = 1 / Math.sqrt(variance / width + LAYER_NORM_EPSILON);
    for (let j = 0; j < width; j += 1) {
      output[offset + j] = (input[offset + j]! - mean) * scale * norm.gain[j]! + norm.bias[j]!;
    }
  }
  return output;
}

/**
 * Computes x·W + b for every row.
 *
 * @example
 * const qkv = applyLinear(normed, rows, layer.attn); // [rows, 3d]
 */
export function applyLinear(input: Float64Array, rows: number, linear: LinearWeights): Float64Array {
  const { inFeatures, outFeatures, weight, bias } = linear;
  const output = new Float64Array(rows * outFeatures);
  for (let row = 0; row < rows; row += 1) {
    const out = row * outFeatures;
    for (let o = 0; o < outFeatures; o += 1) output[out + o] = bias[o]!;
    for (let i = 0; i < inFeatures; i += 1) {
      const x = input[row * inFeatures + i]!;
      const weightRow = i * outFeatures;
      for (let o = 0; o < outFeatures; o += 1) output[out + o] = output[out + o]! + x * weight[weightRow + o]!;
    }
  }
  return output;
}

/**
 * GPT-2's tanh-approximated GELU, in place.
 *
 * @example
 * applyGeluInPlace(hidden);
 */
export function applyGeluInPlace(values: Float64Array): void {
  for (let i = 0; i < values.length; i += 1) {
    const x = values[i]!;
    values[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x)));
  }
}

/**
 * Adds `delta` into `target` element-wise (the residual connection).
 *
 * @example
 * addInPlace(hidden, attentionOutput);
 */
export function addInPlace(target: Float64Array, delta: Float64Array): void {
  for (let i = 0; i < target.length; i += 1) target[i] = target[i]! + delta[i]!;
}
