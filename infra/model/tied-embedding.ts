import type { Gpt2Config } from "./gpt2-config";
import { int, type OnnxGraphBuilder } from "./onnx-graph";

/**
 * GPT-2's tied token matrix as it appears in the graph: stored once, read by
 * the embedding lookup at the bottom and by the LM head at the top. Each
 * weight format (float, int8, q4) supplies its own pair of subgraphs.
 */
export interface TiedEmbedding {
  /** Adds the lookup of `ids` ([batch, seq] int64) and returns the [batch, seq, d] float rows. */
  gatherRows(ids: string): string;
  /** Adds hidden · wteᵀ for [batch, seq, d] `hidden`, writing [batch, seq, vocab] into the value named `output`. */
  addLogits(hidden: string, output: string): void;
}

/** Adds the tied matrix's initializers and returns its two uses; called once, before any other weight. */
export type AddTiedEmbedding = (graph: OnnxGraphBuilder, config: Gpt2Config, wte: Float32Array) => TiedEmbedding;

/**
 * The float32 tied matrix: a plain Gather, and a Gemm(transB=1) head so the
 * [vocab, d] initializer serves both without a transposed copy.
 *
 * @example
 * const embedding = addFloatTiedEmbedding(graph, config, weights.wte);
 * const tokens = embedding.gatherRows("input_ids");
 */
export const addFloatTiedEmbedding: AddTiedEmbedding = (graph, config, wte) => {
  const weight = graph.addFloatInitializer("transformer.wte.weight", [config.vocabSize, config.nEmbd], wte);
  return {
    gatherRows: (ids) => graph.addOp("Gather", "/transformer/wte/Gather", [weight, ids], { axis: int(0) }),
    addLogits(hidden, output) {
      // Gemm needs 2-D operands, so flatten [batch, seq, d] and restore [batch, seq, vocab] after.
      const rowsShape = graph.addInt64Initializer("/lm_head/rows_shape", [2], [-1, config.nEmbd]);
      const vocabDim = graph.addInt64Initializer("/lm_head/vocab_dim", [1], [config.vocabSize]);
      const rows = graph.addOp("Reshape", "/lm_head/flatten", [hidden, rowsShape]);
      const flatLogits = graph.addOp("Gemm", "/lm_head/Gemm", [rows, weight], { transB: int(1) });
      // Batch and sequence come from `hidden` itself, so a graph that slices it (num_logits_to_keep) still fits.
      const rowsOf = graph.addOp("Shape", "/lm_head/hidden_shape", [hidden], { start: int(0), end: int(2) });
      const logitsShape = graph.addOp("Concat", "/lm_head/logits_shape", [rowsOf, vocabDim], { axis: int(0) });
      graph.addNode("Reshape", "/lm_head/unflatten", [flatLogits, logitsShape], { outputs: [output] });
    },
  };
};
