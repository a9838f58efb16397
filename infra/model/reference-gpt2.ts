import { getHeadDim, type Gpt2Config } from "./gpt2-config";
import type { Gpt2Weights } from "./gpt2-weights";
import { addInPlace, applyGeluInPlace, applyLayerNorm, applyLinear } from "./reference-ops";

/**
 * GPT-2's forward pass in plain TypeScript (float64 throughout), positions
 * 0..n-1 and no padding: the independent answer the ONNX graph must reproduce.
 * Returns logits row-major [ids.length, vocab].
 *
 * @example
 * const logits = runReferenceGpt2(config, createGpt2Weights(config, 1), [464, 3290]);
 * logits.length; // 2 * 50257
 */
export function runReferenceGpt2(config: Gpt2Config, weights: Gpt2Weights, ids: number[]): Float32Array {
  const rows = ids.length;
  const d = config.nEmbd;
  if (rows > config.nPositions) throw new Error(`${rows} tokens exceed n_positions ${config.nPositions}`);
  const hidden = embedTokens(config, weights, ids);
  for (const layer of weights.layers) {
    const qkv = applyLinear(applyLayerNorm(hidden, rows, d, layer.ln1), rows, layer.attn);
    addInPlace(hidden, applyLinear(attendCausally(config, qkv, rows), rows, layer.attnProj));
    const expanded = applyLinear(applyLayerNorm(hidden, rows, d, layer.ln2), rows, layer.fc);
    applyGeluInPlace(expanded);
    addInPlace(hidden, applyLinear(expanded, rows, layer.mlpProj));
  }
  return projectToVocab(config, weights, applyLayerNorm(hidden, rows, d, weights.lnF), rows);
}

function embedTokens(config: Gpt2Config, weights: Gpt2Weights, ids: number[]): Float64Array {
  const d = config.nEmbd;
  const hidden = new Float64Array(ids.length * d);
  ids.forEach((id, position) => {
    if (!Number.isInteger(id) || id < 0 || id >= config.vocabSize) throw new Error(`token id ${id} is outside the vocabulary`);
    for (let j = 0; j < d; j += 1) hidden[position * d + j] = weights.wte[id * d + j]! + weights.wpe[position * d + j]!;
  });
  return hidden;
}

/** Multi-head scaled dot-product attention; row i sees rows 0..i. Input [rows, 3d] (q | k | v), output [rows, d]. */
function attendCausally(config: Gpt2Config, qkv: Float64Array, rows: number): Float64Array {
  const d = config.nEmbd;
  const headDim = getHeadDim(config);
  const scale = 1 / Math.sqrt(headDim);
  const output = new Float64Array(rows * d);
  const scores = new Float64Array(rows);
  for (let head = 0; head < config.nHead; head += 1) {
    const q = head * headDim;
    const k = d + q;
    const v = 2 * d + q;
    for (let i = 0; i < rows; i += 1) {
      let max = -Infinity;
      for (let j = 0; j <= i; j += 1) {
        let dot = 0;
        for (let c = 0; c < headDim; c += 1) dot += qkv[i * 3 * d + q + c]! * qkv[j * 3 * d + k + c]!;
        scores[j] = dot * scale;
        max = Math.max(max, scores[j]!);
      }
      let total = 0;
      for (let j = 0; j <= i; j += 1) {
        scores[j] = Math.exp(scores[j]! - max);
        total += scores[j]!;
      }
      for (let j = 0; j <= i; j += 1) {
        const weight = scores[j]! / total;
        for (let c = 0; c < headDim; c += 1) output[i * d + q + c] = output[i * d + q + c]! + weight * qkv[j * 3 * d + v + c]!;
      }
    }
  }
  return output;
}

/** The tied LM head: logits = h · wteᵀ. */
function projectToVocab(config: Gpt2Config, weights: Gpt2Weights, hidden: Float64Array, rows: number): Float32Array {
  const d = config.nEmbd;
  const logits = new Float32Array(rows * config.vocabSize);
  for (let row = 0; row < rows; row += 1) {
    for (let token = 0; token < config.vocabSize; token += 1) {
      let dot = 0;
      for (let j = 0; j < d; j += 1) dot += hidden[row * d + j]! * weights.wte[token * d + j]!;
      logits[row * config.vocabSize + token] = dot;
    }
  }
  return logits;
}
