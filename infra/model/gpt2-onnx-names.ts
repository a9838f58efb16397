/**
 * The decoder's I/O contract, named as Hugging Face Optimum exports GPT-2
 * (`decoder_model_merged.onnx` without `use_cache_branch`), so transformers.js-
 * style loaders find every tensor by its usual name.
 */
export const GPT2_ONNX_INPUTS = {
  inputIds: "input_ids",
  attentionMask: "attention_mask",
  positionIds: "position_ids",
} as const;

export const GPT2_ONNX_LOGITS = "logits";

/** Symbolic dims; head count and head width are fixed numbers instead. */
export const GPT2_ONNX_DIMS = {
  batch: "batch_size",
  sequence: "sequence_length",
  past: "past_sequence_length",
  total: "past_sequence_length + sequence_length",
} as const;

/**
 * Cache input names for one layer.
 *
 * @example
 * getPastNames(0); // { key: "past_key_values.0.key", value: "past_key_values.0.value" }
 */
export function getPastNames(layer: number): { key: string; value: string } {
  return { key: `past_key_values.${layer}.key`, value: `past_key_values.${layer}.value` };
}

/**
 * Cache output names for one layer; feed them back as the next step's `getPastNames(layer)`.
 *
 * @example
 * getPresentNames(1); // { key: "present.1.key", value: "present.1.value" }
 */
export function getPresentNames(layer: number): { key: string; value: string } {
  return { key: `present.${layer}.key`, value: `present.${layer}.value` };
}
