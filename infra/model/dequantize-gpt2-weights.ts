import type { Gpt2Config } from "./gpt2-config";
import type { Gpt2Quantization } from "./gpt2-quantization";
import type { Gpt2Weights, LinearWeights } from "./gpt2-weights";
import { dequantizeInt8Columns, quantizeInt8Columns } from "./quantize-int8";
import { dequantizeQ4Rows, quantizeQ4Rows } from "./quantize-q4";
import { transposeMatrix } from "./transpose-matrix";

type RoundTrip = (values: Float32Array, rows: number, cols: number) => Float32Array;

// Each format quantizes a matrix along the same axis its emitter does (see
// emit-int8-*.ts and emit-q4-*.ts), so these are exactly the weights in the file.
const ROUND_TRIPS: Record<Exclude<Gpt2Quantization, "fp32">, { linear: RoundTrip; wte: RoundTrip }> = {
  // Linear [in, out]: a scale per output column. wte [vocab, d]: stored transposed, a scale per token.
  int8: {
    linear: (values, rows, cols) => dequantizeInt8Columns(quantizeInt8Columns(values, rows, cols)),
    wte: (values, rows, cols) => {
      const perToken = quantizeInt8Columns(transposeMatrix(values, rows, cols), cols, rows);
      return transposeMatrix(dequantizeInt8Columns(perToken), cols, rows);
    },
  },
  // Linear [in, out]: blocks run along `in` within each output row of the transposed matrix. wte [vocab, d]: blocks along d.
  q4: {
    linear: (values, rows, cols) => {
      const alongInputs = quantizeQ4Rows(transposeMatrix(values, rows, cols), cols, rows);
      return transposeMatrix(dequantizeQ4Rows(alongInputs), cols, rows);
    },
    wte: (values, rows, cols) => dequantizeQ4Rows(quantizeQ4Rows(values, rows, cols)),
  },
};

/**
 * The float32 weights a quantized model actually multiplies by: every
 * projection and the tied matrix replaced by its dequantized self, the rest
 * (LayerNorm, biases, wpe) untouched. Running `runReferenceGpt2` on these
 * checks the quantized graph's arithmetic apart from the quantization error itself.
 *
 * @example
 * const reference = runReferenceGpt2(config, dequantizeGpt2Weights(config, weights, "q4"), ids);
 */
export function dequantizeGpt2Weights(config: Gpt2Config, weights: Gpt2Weights, quantization: Gpt2Quantization): Gpt2Weights {
  if (quantization === "fp32") return weights;
  const roundTrip = ROUND_TRIPS[quantization];
  const dequantizeLinear = (linear: LinearWeights): LinearWeights => ({
    ...linear,
    weight: roundTrip.linear(linear.weight, linear.inFeatures, linear.outFeatures),
  });
  return {
    ...weights,
    wte: roundTrip.wte(weights.wte, config.vocabSize, config.nEmbd),
    layers: weights.layers.map((layer) => ({
      ...layer,
      attn: dequantizeLinear(layer.attn),
      attnProj: dequantizeLinear(layer.attnProj),
      fc: dequantizeLinear(layer.fc),
      mlpProj: dequantizeLinear(layer.mlpProj),
    })),
  };
}
