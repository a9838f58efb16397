/**
 * The GPT-2 hyper-parameters that shape the weights and the ONNX graph; the
 * names mirror Hugging Face's GPT2Config (vocab_size, n_positions, n_embd, n_layer, n_head).
 */
export interface Gpt2Config {
  vocabSize: number;
  nPositions: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
}

/** The real GPT-2 vocabulary, so the router's tokenizer ids are valid model inputs. */
export const GPT2_VOCAB = 50257;

/** `<|endoftext|>`: GPT-2's bos, eos and (by convention) pad token. */
export const GPT2_END_OF_TEXT = 50256;

/**
 * Named shapes. `tiny` keeps the real vocabulary but a 32-wide stream so the
 * ONNX file stays a few MB (the tied embedding dominates it); the others match
 * the published checkpoints' shapes, with generated weights.
 *
 * @example
 * const config = GPT2_PRESETS.tiny; // { vocabSize: 50257, nPositions: 1024, nEmbd: 32, nLayer: 2, nHead: 2 }
 */
export const GPT2_PRESETS = {
  tiny: { vocabSize: GPT2_VOCAB, nPositions: 1024, nEmbd: 32, nLayer: 2, nHead: 2 },
  distilgpt2: { vocabSize: GPT2_VOCAB, nPositions: 1024, nEmbd: 768, nLayer: 6, nHead: 12 },
  gpt2: { vocabSize: GPT2_VOCAB, nPositions: 1024, nEmbd: 768, nLayer: 12, nHead: 12 },
} as const satisfies Record<string, Gpt2Config>;

export type Gpt2PresetName = keyof typeof GPT2_PRESETS;

/**
 * Narrows a CLI or caller string to a preset name.
 *
 * @example
 * isGpt2PresetName("tiny"); // true
 */
export function isGpt2PresetName(name: string): name is Gpt2PresetName {
  return Object.hasOwn(GPT2_PRESETS, name);
}

/**
 * Per-head width; throws when the stream does not split evenly into heads.
 *
 * @example
 * getHeadDim(GPT2_PRESETS.tiny); // 16
 */
export function getHeadDim(config: Gpt2Config): number {
  if (config.nEmbd % config.nHead !== 0) throw new Error(`n_embd ${config.nEmbd} is not divisible by n_head ${config.nHead}`);
  return config.nEmbd / config.nHead;
}
