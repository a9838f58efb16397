import type { OnnxGraphBuilder } from "./onnx-graph";
import { int } from "./onnx-graph";
import type { EmitLinear } from "./onnx-linear";
import { OnnxDataType } from "./onnx-proto";
import { quantizeInt8Columns } from "./quantize-int8";

/**
 * The int8 projection, laid out as onnxruntime's dynamic quantizer (and so
 * Optimum's / transformers.js' `*_quantized.onnx`) writes it: int8 [in, out]
 * weight with per-output-channel scales, the activation quantized per call,
 * then MatMulInteger, Cast and rescale, then Add bias.
 *
 * @example
 * const model = buildGpt2Onnx(config, weights, { quantization: "int8" }); // uses emitInt8Linear for every projection
 */
export const emitInt8Linear: EmitLinear = (graph, input, linear, name) => {
  const { inFeatures, outFeatures } = linear;
  const quantized = quantizeInt8Columns(linear.weight, inFeatures, outFeatures);
  const weight = graph.addInitializer(
    `${name}.weight_quantized`,
    OnnxDataType.INT8,
    [inFeatures, outFeatures],
    viewAsBytes(quantized.values),
  );
  const scales = graph.addFloatInitializer(`${name}.weight_scale`, [outFeatures], quantized.scales);
  const bias = graph.addFloatInitializer(`${name}.bias`, [outFeatures], linear.bias);
  const product = addDynamicQuantizedMatMul(graph, input, weight, scales, `/${name}`);
  return graph.addOp("Add", `/${name}/Add`, [product, bias]);
};

/**
 * Adds input · (weight · scales) for an int8 [K, N] `weight` with [N] `scales`:
 * DynamicQuantizeLinear gives the input a uint8 code, scale and zero point
 * per call; MatMulInteger sums exactly in int32; one Mul by
 * input_scale · weight_scale returns to float. onnxruntime fuses the chain
 * into DynamicQuantizeMatMul when it can, and the standard ops run where it cannot.
 * Returns the [.., N] float result (named `output` when given).
 *
 * @example
 * const logits = addDynamicQuantizedMatMul(graph, hidden, "wte_quantized", "wte_scale", "/lm_head", "logits");
 */
export function addDynamicQuantizedMatMul(
  graph: OnnxGraphBuilder,
  input: string,
  weight: string,
  scales: string,
  scope: string,
  output?: string,
): string {
  const [codes, inputScale, inputZeroPoint] = graph.addNode("DynamicQuantizeLinear", `${scope}/DynamicQuantizeLinear`, [input], {
    outputs: ["codes", "scale", "zero_point"].map((part) => `${scope}/input_${part}`),
  });
  const sums = graph.addOp("MatMulInteger", `${scope}/MatMulInteger`, [codes!, weight, inputZeroPoint!]);
  const floatSums = graph.addOp("Cast", `${scope}/Cast`, [sums], { to: int(OnnxDataType.FLOAT) });
  const scale = graph.addOp("Mul", `${scope}/output_scale`, [inputScale!, scales]);
  return graph.addNode("Mul", `${scope}/rescale`, [floatSums, scale], output === undefined ? {} : { outputs: [output] })[0]!;
}

/**
 * The bytes of an int8 array, for a raw ONNX initializer (one byte per value, so no endianness).
 *
 * @example
 * graph.addInitializer("w", OnnxDataType.INT8, [2], viewAsBytes(Int8Array.of(-1, 1)));
 */
export function viewAsBytes(values: Int8Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
