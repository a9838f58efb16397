import { addMatMulNBits, addQ4Initializers } from "./emit-q4-linear";
import { int } from "./onnx-graph";
import { Q4_BLOCK_SIZE, quantizeQ4Rows } from "./quantize-q4";
import type { AddTiedEmbedding } from "./tied-embedding";

/**
 * The q4 tied matrix, stored once in MatMulNBits' layout ([vocab, d/32, 16]
 * codes and [vocab, d/32] scales): the LM head is MatMulNBits on it, and the
 * embedding dequantizes the gathered rows with com.microsoft
 * GatherBlockQuantized on the same codes. GatherBlockQuantized wants scales
 * of the data's rank, so they get a trailing unit axis (onnxruntime folds that
 * at load); the [batch, seq, d/32, 32] result is then merged to [batch, seq, d].
 *
 * @example
 * const model = buildGpt2Onnx(config, weights, { quantization: "q4" }); // uses addQ4TiedEmbedding
 */
export const addQ4TiedEmbedding: AddTiedEmbedding = (graph, config, wte) => {
  const matrix = addQ4Initializers(graph, quantizeQ4Rows(wte, config.vocabSize, config.nEmbd), "transformer.wte.weight");
  const scope = "/transformer/wte";
  return {
    gatherRows(ids) {
      const lastAxis = graph.addInt64Initializer(`${scope}/last_axis`, [1], [-1]);
      const blockScales = graph.addOp("Unsqueeze", `${scope}/block_scales`, [matrix.scales, lastAxis]);
      const blocks = graph.addNode("GatherBlockQuantized", `${scope}/GatherBlockQuantized`, [matrix.weight, ids, blockScales], {
        domain: "com.microsoft",
        attributes: { bits: int(4), block_size: int(Q4_BLOCK_SIZE), gather_axis: int(0), quantize_axis: int(2) },
      })[0]!;
      // Reshape's 0 copies batch and sequence from the input, so they stay symbolic.
      const rowShape = graph.addInt64Initializer(`${scope}/row_shape`, [3], [0, 0, config.nEmbd]);
      return graph.addOp("Reshape", `${scope}/merge_blocks`, [blocks, rowShape]);
    },
    addLogits(hidden, output) {
      addMatMulNBits(graph, hidden, matrix, "/lm_head/MatMulNBits", { output });
    },
  };
};
