import { GPT2_ONNX_INPUTS } from "./gpt2-onnx-names";
import { int, type OnnxGraphBuilder } from "./onnx-graph";
import { OnnxDataType } from "./onnx-proto";

/**
 * Adds the attention mask every layer shares: a bool [batch, 1, seq, past+seq]
 * that is true where query i (absolute position past+i) may read key j, i.e.
 * j <= past+i and attention_mask[b, j] = 1. The past length is derived from the
 * two inputs' shapes (mask width minus ids width), as Optimum's export does,
 * so an empty past (length 0) needs no special case.
 *
 * @example
 * const allowed = addAttentionMask(graph); // pass to each block's Where
 */
export function addAttentionMask(graph: OnnxGraphBuilder): string {
  const scope = "/transformer/mask";
  const zero = graph.addInt64Initializer(`${scope}/zero`, [], [0]);
  const one = graph.addInt64Initializer(`${scope}/one`, [], [1]);
  const idsShape = graph.addOp("Shape", `${scope}/ids_shape`, [GPT2_ONNX_INPUTS.inputIds]);
  const maskShape = graph.addOp("Shape", `${scope}/mask_shape`, [GPT2_ONNX_INPUTS.attentionMask]);
  const sequenceLength = graph.addOp("Gather", `${scope}/sequence_length`, [idsShape, one], { axis: int(0) });
  const totalLength = graph.addOp("Gather", `${scope}/total_length`, [maskShape, one], { axis: int(0) });
  const pastLength = graph.addOp("Sub", `${scope}/past_length`, [totalLength, sequenceLength]);

  const queryPositions = graph.addOp("Range", `${scope}/query_positions`, [pastLength, totalLength, one]);
  const keyPositions = graph.addOp("Range", `${scope}/key_positions`, [zero, totalLength, one]);
  const queryAxis = graph.addInt64Initializer(`${scope}/query_axis`, [1], [1]);
  const queryColumn = graph.addOp("Unsqueeze", `${scope}/query_column`, [queryPositions, queryAxis]);
  const causal = graph.addOp("LessOrEqual", `${scope}/causal`, [keyPositions, queryColumn]);

  const keepKeys = graph.addOp("Cast", `${scope}/keep_keys`, [GPT2_ONNX_INPUTS.attentionMask], { to: int(OnnxDataType.BOOL) });
  const keyAxes = graph.addInt64Initializer(`${scope}/key_axes`, [2], [1, 2]);
  const keepKeysBroadcast = graph.addOp("Unsqueeze", `${scope}/keep_keys_broadcast`, [keepKeys, keyAxes]);
  return graph.addOp("And", `${scope}/allowed`, [causal, keepKeysBroadcast]);
}
