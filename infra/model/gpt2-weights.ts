import type { Gpt2Config } from "./gpt2-config";
import { createSeededRandom, type SeededRandom } from "./seeded-random";

/** A Conv1D-style projection (y = x·W + b) with W row-major [inFeatures, outFeatures], as HF stores GPT-2. */
export interface LinearWeights {
  inFeatures: number;
  outFeatures: number;
  weight: Float32Array;
  bias: Float32Array;
}

export interface LayerNormWeights {
  gain: Float32Array;
  bias: Float32Array;
}

export interface Gpt2LayerWeights {
  ln1: LayerNormWeights;
  /** c_attn: [d, 3d], columns are q | k | v. */
  attn: LinearWeights;
  /** attn.c_proj: [d, d]. */
  attnProj: LinearWeights;
  ln2: LayerNormWeights;
  /** mlp.c_fc: [d, 4d]. */
  fc: LinearWeights;
  /** mlp.c_proj: [4d, d]. */
  mlpProj: LinearWeights;
}

export interface Gpt2Weights {
  /** [vocab, d]; also the (tied) LM head. */
  wte: Float32Array;
  /** [nPositions, d]. */
  wpe: Float32Array;
  layers: Gpt2LayerWeights[];
  lnF: LayerNormWeights;
}

// Scales chosen so the generated model behaves like a trained one in the ways
// tests care about: attention scores with std > 1 (not uniform), block outputs
// far larger than the token embedding (with a tied head a random model
// otherwise mostly echoes its last input token), and logits with std ~6 so
// greedy decoding has clear winners. The embedding std shrinks with width
// (1.06 at d=32, 0.22 at d=768) because the logit std is sqrt(d) times it.
// Tuned by measuring greedy continuations of the tiny preset.
const LOGIT_STD = 6;
const POSITION_TO_TOKEN_STD = 0.3;
const ATTENTION_GAIN = 1.4;
const PROJECTION_GAIN = 12;
const NORM_GAIN_STD = 0.1;
const BIAS_STD = 0.05;

/**
 * Generates every GPT-2 parameter from the seed; the same config and seed
 * always give bit-identical arrays.
 *
 * @example
 * const weights = createGpt2Weights(GPT2_PRESETS.tiny, 1);
 * weights.wte.length; // 50257 * 32
 */
export function createGpt2Weights(config: Gpt2Config, seed: number): Gpt2Weights {
  const random = createSeededRandom(seed);
  const d = config.nEmbd;
  const embeddingStd = LOGIT_STD / Math.sqrt(d);
  const wte = fillNormal(random, config.vocabSize * d, 0, embeddingStd);
  const wpe = fillNormal(random, config.nPositions * d, 0, POSITION_TO_TOKEN_STD * embeddingStd);
  const layers = Array.from({ length: config.nLayer }, () => ({
    ln1: createLayerNorm(random, d),
    attn: createLinear(random, d, 3 * d, ATTENTION_GAIN),
    attnProj: createLinear(random, d, d, PROJECTION_GAIN),
    ln2: createLayerNorm(random, d),
    fc: createLinear(random, d, 4 * d, 1),
    mlpProj: createLinear(random, 4 * d, d, PROJECTION_GAIN),
  }));
  return { wte, wpe, layers, lnF: createLayerNorm(random, d) };
}

function createLinear(random: SeededRandom, inFeatures: number, outFeatures: number, gain: number): LinearWeights {
  const weight = fillNormal(random, inFeatures * outFeatures, 0, gain / Math.sqrt(inFeatures));
  return { inFeatures, outFeatures, weight, bias: fillNormal(random, outFeatures, 0, BIAS_STD) };
}

function createLayerNorm(random: SeededRandom, width: number): LayerNormWeights {
  return { gain: fillNormal(random, width, 1, NORM_GAIN_STD), bias: fillNormal(random, width, 0, BIAS_STD) };
}

function fillNormal(random: SeededRandom, length: number, mean: number, std: number): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i += 1) values[i] = mean + std * random.nextNormal();
  return values;
}
