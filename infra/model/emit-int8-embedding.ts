import { addDynamicQuantizedMatMul, viewAsBytes } from "./emit-int8-linear";
import { int, ints } from "./onnx-graph";
import { OnnxDataType } from "./onnx-proto";
import { quantizeInt8Columns } from "./quantize-int8";
import type { AddTiedEmbedding } from "./tied-embedding";
import { transposeMatrix } from "./transpose-matrix";

/**
 * The int8 tied matrix, stored once as wteᵀ [d, vocab] with one scale per
 * token: that is MatMulInteger's [K, N] operand with per-column scales for
 * the LM head, and a token's embedding is its column, dequantized on gather
 * (Gather on axis 1, Transpose, Cast, Mul by the token's scale). Storing
 * [vocab, d] instead would make onnxruntime fold a transposed copy for the head.
 *
 * @example
 * const model = buildGpt2Onnx(config, weights, { quantization: "int8" }); // uses addInt8TiedEmbedding
 */
export const addInt8TiedEmbedding: AddTiedEmbedding = (graph, config, wte) => {
  const { vocabSize, nEmbd } = config;
  const quantized = quantizeInt8Columns(transposeMatrix(wte, vocabSize, nEmbd), nEmbd, vocabSize);
  const name = "transformer.wte.weight_transposed_quantized";
  const weight = graph.addInitializer(name, OnnxDataType.INT8, [nEmbd, vocabSize], viewAsBytes(quantized.values));
  const scales = graph.addFloatInitializer("transformer.wte.weight_scale", [vocabSize], quantized.scales);
  const scope = "/transformer/wte";
  return {
    gatherRows(ids) {
      const columns = graph.addOp("Gather", `${scope}/Gather`, [weight, ids], { axis: int(1) }); // [d, batch, seq]
      const rows = graph.addOp("Transpose", `${scope}/to_rows`, [columns], { perm: ints([1, 2, 0]) });
      const floatRows = graph.addOp("Cast", `${scope}/Cast`, [rows], { to: int(OnnxDataType.FLOAT) });
      const tokenScales = graph.addOp("Gather", `${scope}/gather_scales`, [scales, ids], { axis: int(0) });
      const lastAxis = graph.addInt64Initializer(`${scope}/last_axis`, [1], [-1]);
      const broadcastScales = graph.addOp("Unsqueeze", `${scope}/scale_column`, [tokenScales, lastAxis]);
      return graph.addOp("Mul", `${scope}/dequantize`, [floatRows, broadcastScales]);
    },
    addLogits(hidden, output) {
      addDynamicQuantizedMatMul(graph, hidden, weight, scales, "/lm_head", output);
    },
  };
};
