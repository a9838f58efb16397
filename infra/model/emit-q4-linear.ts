import { int, type OnnxGraphBuilder } from "./onnx-graph";
import type { EmitLinear } from "./onnx-linear";
import { OnnxDataType } from "./onnx-proto";
import { Q4_BLOCK_SIZE, Q4_BYTES_PER_BLOCK, quantizeQ4Rows, type Q4Blocks } from "./quantize-q4";
import { transposeMatrix } from "./transpose-matrix";

/**
 * The 4-bit projection: com.microsoft MatMulNBits (bits 4, block_size 32,
 * symmetric, no zero_points), the format of transformers.js' `*_q4.onnx`.
 * MatMulNBits wants B as [out, in] blocks, so the [in, out] weight is
 * transposed before packing; activations stay float32.
 *
 * @example
 * const model = buildGpt2Onnx(config, weights, { quantization: "q4" }); // uses emitQ4Linear for every projection
 */
export const emitQ4Linear: EmitLinear = (graph, input, linear, name) => {
  const { inFeatures, outFeatures } = linear;
  const blocks = quantizeQ4Rows(transposeMatrix(linear.weight, inFeatures, outFeatures), outFeatures, inFeatures);
  const matrix = addQ4Initializers(graph, blocks, `${name}.weight`);
  const bias = graph.addFloatInitializer(`${name}.bias`, [outFeatures], linear.bias);
  // Bias goes in MatMulNBits' own bias input, so each projection is one node.
  return addMatMulNBits(graph, input, matrix, `/${name}/MatMulNBits`, { bias });
};

/** A q4 matrix in the graph: its shape and the names of its code and scale initializers. */
export interface Q4Initializers {
  rows: number;
  cols: number;
  /** uint8 [rows, blocks, 16]: MatMulNBits' B. */
  weight: string;
  /** float [rows, blocks]. */
  scales: string;
}

/**
 * Adds a q4 matrix as MatMulNBits' B and scales initializers (`<name>_Q4`, `<name>_scales`).
 *
 * @example
 * const head = addQ4Initializers(graph, quantizeQ4Rows(wte, vocab, d), "transformer.wte.weight");
 */
export function addQ4Initializers(graph: OnnxGraphBuilder, matrix: Q4Blocks, name: string): Q4Initializers {
  const { rows, cols, blocksPerRow } = matrix;
  return {
    rows,
    cols,
    weight: graph.addInitializer(`${name}_Q4`, OnnxDataType.UINT8, [rows, blocksPerRow, Q4_BYTES_PER_BLOCK], matrix.packed),
    scales: graph.addFloatInitializer(`${name}_scales`, [rows, blocksPerRow], matrix.scales),
  };
}

/**
 * Adds input · dequant(matrix)ᵀ (+ bias) and returns the [.., rows] float result (named `output` when given).
 *
 * @example
 * addMatMulNBits(graph, hidden, head, "/lm_head/MatMulNBits", { output: "logits" });
 */
export function addMatMulNBits(
  graph: OnnxGraphBuilder,
  input: string,
  matrix: Q4Initializers,
  name: string,
  extra: { bias?: string; output?: string } = {},
): string {
  // Inputs 3 (zero_points) and 4 (g_idx) are optional and absent: "" skips an ONNX input.
  const inputs = [input, matrix.weight, matrix.scales, ...(extra.bias === undefined ? [] : ["", "", extra.bias])];
  return graph.addNode("MatMulNBits", name, inputs, {
    domain: "com.microsoft",
    attributes: { K: int(matrix.cols), N: int(matrix.rows), bits: int(4), block_size: int(Q4_BLOCK_SIZE) },
    ...(extra.output === undefined ? {} : { outputs: [extra.output] }),
  })[0]!;
}
