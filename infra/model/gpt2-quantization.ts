import { addInt8TiedEmbedding } from "./emit-int8-embedding";
import { emitInt8Linear } from "./emit-int8-linear";
import { addQ4TiedEmbedding } from "./emit-q4-embedding";
import { emitQ4Linear } from "./emit-q4-linear";
import { emitFloatLinear, type EmitLinear } from "./onnx-linear";
import { addFloatTiedEmbedding, type AddTiedEmbedding } from "./tied-embedding";

/**
 * The weight formats the generator writes, named as transformers.js names its files:
 * fp32 (`decoder_model_merged.onnx`), int8 dynamic quantization
 * (`decoder_model_merged_quantized.onnx`), 4-bit blocks (`decoder_model_merged_q4.onnx`).
 * Everything but the projections and the tied matrix (LayerNorm, biases, wpe) stays float32.
 */
export const GPT2_QUANTIZATIONS = ["fp32", "int8", "q4"] as const;
export type Gpt2Quantization = (typeof GPT2_QUANTIZATIONS)[number];

/** How one format writes the graph's weights. */
export interface QuantizedEmitters {
  emitLinear: EmitLinear;
  addTiedEmbedding: AddTiedEmbedding;
}

const EMITTERS: Record<Gpt2Quantization, QuantizedEmitters> = {
  fp32: { emitLinear: emitFloatLinear, addTiedEmbedding: addFloatTiedEmbedding },
  int8: { emitLinear: emitInt8Linear, addTiedEmbedding: addInt8TiedEmbedding },
  q4: { emitLinear: emitQ4Linear, addTiedEmbedding: addQ4TiedEmbedding },
};

/**
 * Narrows a CLI or caller string to a quantization name.
 *
 * @example
 * isGpt2Quantization("q4"); // true
 */
export function isGpt2Quantization(name: string): name is Gpt2Quantization {
  return (GPT2_QUANTIZATIONS as readonly string[]).includes(name);
}

/**
 * The projection and tied-matrix emitters for a format.
 *
 * @example
 * const { emitLinear, addTiedEmbedding } = getQuantizedEmitters("int8");
 */
export function getQuantizedEmitters(quantization: Gpt2Quantization): QuantizedEmitters {
  return EMITTERS[quantization];
}
