import type { LinearWeights } from "./gpt2-weights";
import type { OnnxGraphBuilder } from "./onnx-graph";

/**
 * Emits y = x·W + b for one projection and returns y's name. This is the seam
 * for quantized variants: `gpt2-quantization.ts` picks an emitter per format
 * (MatMulNBits with packed 4-bit blocks, or dynamically quantized
 * MatMulInteger for int8) and every projection in the graph changes with it.
 * `name` is the Hugging Face parameter prefix, e.g. "transformer.h.0.attn.c_attn".
 */
export type EmitLinear = (graph: OnnxGraphBuilder, input: string, linear: LinearWeights, name: string) => string;

/**
 * The float32 projection: MatMul against a [in, out] initializer, then Add bias.
 *
 * @example
 * const qkv = emitFloatLinear(graph, normed, layer.attn, "transformer.h.0.attn.c_attn");
 */
export const emitFloatLinear: EmitLinear = (graph, input, linear, name) => {
  const weight = graph.addFloatInitializer(`${name}.weight`, [linear.inFeatures, linear.outFeatures], linear.weight);
  const bias = graph.addFloatInitializer(`${name}.bias`, [linear.outFeatures], linear.bias);
  const product = graph.addOp("MatMul", `/${name}/MatMul`, [input, weight]);
  return graph.addOp("Add", `/${name}/Add`, [product, bias]);
};
