import { getHeadDim, type Gpt2Config } from "./gpt2-config";
import { addBlockConstants, addGpt2Block, addLayerNorm } from "./gpt2-onnx-block";
import { addAttentionMask } from "./gpt2-onnx-mask";
import { GPT2_ONNX_DIMS, GPT2_ONNX_INPUTS, GPT2_ONNX_LOGITS, getPastNames, getPresentNames } from "./gpt2-onnx-names";
import { getQuantizedEmitters, type Gpt2Quantization } from "./gpt2-quantization";
import type { Gpt2Weights } from "./gpt2-weights";
import { int, OnnxGraphBuilder } from "./onnx-graph";
import { OnnxDataType } from "./onnx-proto";

export interface BuildGpt2OnnxOptions {
  /** Format of the projections and the tied matrix (default fp32); quantized models record it in metadata. */
  quantization?: Gpt2Quantization;
  /** Extra ModelProto metadata_props (e.g. preset and seed); the config is always recorded. */
  metadata?: Record<string, string>;
  /**
   * false builds the first half of Optimum's split export (`decoder_model.onnx`):
   * no past inputs (the cache starts as empty constants, batch 1), same outputs.
   */
  withPast?: boolean;
}

const { batch, sequence, past, total } = GPT2_ONNX_DIMS;

/**
 * Builds GPT-2 as a KV-cache decoder in Optimum's I/O layout (input_ids,
 * attention_mask, position_ids, past_key_values.{i}.key|value → logits,
 * present.{i}.key|value), opset 17 / IR 8, and returns the ModelProto bytes.
 * The tied matrix is stored once and serves both the embedding and the LM
 * head (fp32: Gather and Gemm(transB=1) on the same initializer).
 *
 * @example
 * const config = GPT2_PRESETS.tiny;
 * const bytes = buildGpt2Onnx(config, createGpt2Weights(config, 1), { metadata: { seed: "1" } });
 * await writeFile("decoder_model_merged.onnx", bytes);
 * const q4 = buildGpt2Onnx(config, createGpt2Weights(config, 1), { quantization: "q4" });
 */
export function buildGpt2Onnx(config: Gpt2Config, weights: Gpt2Weights, options: BuildGpt2OnnxOptions = {}): Uint8Array {
  const graph = new OnnxGraphBuilder("gpt2");
  const headDim = getHeadDim(config);
  const cacheDims = (length: string) => [batch, config.nHead, length, headDim];
  graph.addInput(GPT2_ONNX_INPUTS.inputIds, OnnxDataType.INT64, [batch, sequence]);
  graph.addInput(GPT2_ONNX_INPUTS.attentionMask, OnnxDataType.INT64, [batch, total]);
  graph.addInput(GPT2_ONNX_INPUTS.positionIds, OnnxDataType.INT64, [batch, sequence]);
  for (let layer = 0; layer < config.nLayer; layer += 1) {
    for (const name of Object.values(getPastNames(layer))) {
      if (options.withPast === false) graph.addFloatInitializer(name, [1, config.nHead, 0, headDim], new Float32Array(0));
      else graph.addInput(name, OnnxDataType.FLOAT, cacheDims(past));
    }
  }

  const quantization = options.quantization ?? "fp32";
  const { emitLinear, addTiedEmbedding } = getQuantizedEmitters(quantization);
  const wte = addTiedEmbedding(graph, config, weights.wte);
  const wpe = graph.addFloatInitializer("transformer.wpe.weight", [config.nPositions, config.nEmbd], weights.wpe);
  const tokens = wte.gatherRows(GPT2_ONNX_INPUTS.inputIds);
  const positions = graph.addOp("Gather", "/transformer/wpe/Gather", [wpe, GPT2_ONNX_INPUTS.positionIds], { axis: int(0) });
  let hidden = graph.addOp("Add", "/transformer/embeddings", [tokens, positions]);

  const context = {
    graph,
    config,
    allowed: addAttentionMask(graph),
    emitLinear,
    constants: addBlockConstants(graph, config),
  };
  weights.layers.forEach((layer, index) => {
    hidden = addGpt2Block(context, layer, index, hidden);
  });
  const normed = addLayerNorm(graph, hidden, weights.lnF, "transformer.ln_f");
  wte.addLogits(normed, GPT2_ONNX_LOGITS);

  graph.addOutput(GPT2_ONNX_LOGITS, OnnxDataType.FLOAT, [batch, sequence, config.vocabSize]);
  for (let layer = 0; layer < config.nLayer; layer += 1) {
    const names = getPresentNames(layer);
    graph.addOutput(names.key, OnnxDataType.FLOAT, cacheDims(total));
    graph.addOutput(names.value, OnnxDataType.FLOAT, cacheDims(total));
  }
  return graph.serialize({
    producerName: "zeroshot-router",
    // fp32 writes no quantization key, so its bytes stay what they were before quantized variants existed.
    metadata: { gpt2_config: JSON.stringify(config), ...(quantization === "fp32" ? {} : { quantization }), ...options.metadata },
  });
}
