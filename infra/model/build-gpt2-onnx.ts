import { getHeadDim, type Gpt2Config } from "./gpt2-config";
import { addBlockConstants, addGpt2Block, addLayerNorm } from "./gpt2-onnx-block";
import { addAttentionMask } from "./gpt2-onnx-mask";
import { GPT2_ONNX_DIMS, GPT2_ONNX_INPUTS, GPT2_ONNX_LOGITS, getPastNames, getPresentNames } from "./gpt2-onnx-names";
import type { Gpt2Weights } from "./gpt2-weights";
import { int, OnnxGraphBuilder } from "./onnx-graph";
import { emitFloatLinear, type EmitLinear } from "./onnx-linear";
import { OnnxDataType } from "./onnx-proto";

export interface BuildGpt2OnnxOptions {
  /** Projection emitter; defaults to float32 MatMul + Add. Quantizers pass their own. */
  emitLinear?: EmitLinear;
  /** Extra ModelProto metadata_props (e.g. preset and seed); the config is always recorded. */
  metadata?: Record<string, string>;
}

const { batch, sequence, past, total } = GPT2_ONNX_DIMS;

/**
 * Builds GPT-2 as a KV-cache decoder in Optimum's I/O layout (input_ids,
 * attention_mask, position_ids, past_key_values.{i}.key|value → logits,
 * present.{i}.key|value), opset 17 / IR 8, and returns the ModelProto bytes.
 * The LM head reuses the wte initializer through Gemm(transB=1), so the tied
 * matrix is stored once.
 *
 * @example
 * const config = GPT2_PRESETS.tiny;
 * const bytes = buildGpt2Onnx(config, createGpt2Weights(config, 1), { metadata: { seed: "1" } });
 * await writeFile("decoder_model_merged.onnx", bytes);
 */
export function buildGpt2Onnx(config: Gpt2Config, weights: Gpt2Weights, options: BuildGpt2OnnxOptions = {}): Uint8Array {
  const graph = new OnnxGraphBuilder("gpt2");
  const headDim = getHeadDim(config);
  const cacheDims = (length: string) => [batch, config.nHead, length, headDim];
  graph.addInput(GPT2_ONNX_INPUTS.inputIds, OnnxDataType.INT64, [batch, sequence]);
  graph.addInput(GPT2_ONNX_INPUTS.attentionMask, OnnxDataType.INT64, [batch, total]);
  graph.addInput(GPT2_ONNX_INPUTS.positionIds, OnnxDataType.INT64, [batch, sequence]);
  for (let layer = 0; layer < config.nLayer; layer += 1) {
    const names = getPastNames(layer);
    graph.addInput(names.key, OnnxDataType.FLOAT, cacheDims(past));
    graph.addInput(names.value, OnnxDataType.FLOAT, cacheDims(past));
  }

  const wte = graph.addFloatInitializer("transformer.wte.weight", [config.vocabSize, config.nEmbd], weights.wte);
  const wpe = graph.addFloatInitializer("transformer.wpe.weight", [config.nPositions, config.nEmbd], weights.wpe);
  const tokens = graph.addOp("Gather", "/transformer/wte/Gather", [wte, GPT2_ONNX_INPUTS.inputIds], { axis: int(0) });
  const positions = graph.addOp("Gather", "/transformer/wpe/Gather", [wpe, GPT2_ONNX_INPUTS.positionIds], { axis: int(0) });
  let hidden = graph.addOp("Add", "/transformer/embeddings", [tokens, positions]);

  const context = {
    graph,
    config,
    allowed: addAttentionMask(graph),
    emitLinear: options.emitLinear ?? emitFloatLinear,
    constants: addBlockConstants(graph, config),
  };
  weights.layers.forEach((layer, index) => {
    hidden = addGpt2Block(context, layer, index, hidden);
  });
  const normed = addLayerNorm(graph, hidden, weights.lnF, "transformer.ln_f");
  addTiedLmHead(graph, config, normed, wte);

  graph.addOutput(GPT2_ONNX_LOGITS, OnnxDataType.FLOAT, [batch, sequence, config.vocabSize]);
  for (let layer = 0; layer < config.nLayer; layer += 1) {
    const names = getPresentNames(layer);
    graph.addOutput(names.key, OnnxDataType.FLOAT, cacheDims(total));
    graph.addOutput(names.value, OnnxDataType.FLOAT, cacheDims(total));
  }
  return graph.serialize({
    producerName: "zeroshot-router",
    metadata: { gpt2_config: JSON.stringify(config), ...options.metadata },
  });
}

/** logits = h · wteᵀ: Gemm needs 2-D operands, so flatten [batch, seq, d] and restore [batch, seq, vocab] after. */
function addTiedLmHead(graph: OnnxGraphBuilder, config: Gpt2Config, hidden: string, wte: string): void {
  const rowsShape = graph.addInt64Initializer("/lm_head/rows_shape", [2], [-1, config.nEmbd]);
  const vocabDim = graph.addInt64Initializer("/lm_head/vocab_dim", [1], [config.vocabSize]);
  const rows = graph.addOp("Reshape", "/lm_head/flatten", [hidden, rowsShape]);
  const flatLogits = graph.addOp("Gemm", "/lm_head/Gemm", [rows, wte], { transB: int(1) });
  const idsShape = graph.addOp("Shape", "/lm_head/ids_shape", [GPT2_ONNX_INPUTS.inputIds]);
  const logitsShape = graph.addOp("Concat", "/lm_head/logits_shape", [idsShape, vocabDim], { axis: int(0) });
  graph.addNode("Reshape", "/lm_head/unflatten", [flatLogits, logitsShape], { outputs: [GPT2_ONNX_LOGITS] });
}
