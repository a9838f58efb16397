import { createSession, Tensor, type InferenceSession } from "#ort";
import { buildGpt2Onnx } from "../../../infra/model/build-gpt2-onnx";
import { GPT2_PRESETS, getHeadDim, type Gpt2Config } from "../../../infra/model/gpt2-config";
import { getPastNames, getPresentNames } from "../../../infra/model/gpt2-onnx-names";
import { createGpt2Weights, type Gpt2Weights } from "../../../infra/model/gpt2-weights";

// Shared by the model tests: one way to build feeds and read a step, so every
// test exercises the I/O contract the same way a loader would.

export const TINY_CONFIG: Gpt2Config = GPT2_PRESETS.tiny;

/** One batch row: its token ids, position ids and attention mask (mask spans past + new tokens). */
export interface StepRow {
  ids: number[];
  positions: number[];
  mask: number[];
}

export interface StepResult {
  /** Row-major [batch, seq, vocab]. */
  logits: Float32Array;
  /** The presents, keyed by the past input names the next step feeds them to. */
  past: Record<string, Tensor>;
}

/**
 * Builds the tiny model in memory and opens it with the project's `#ort`.
 *
 * @example
 * const { session, weights } = await openTinyModel(1);
 */
export async function openTinyModel(seed: number): Promise<{ session: InferenceSession; weights: Gpt2Weights }> {
  const weights = createGpt2Weights(TINY_CONFIG, seed);
  return { session: await createSession(buildGpt2Onnx(TINY_CONFIG, weights)), weights };
}

/**
 * Row with positions 0..n-1 and a full mask.
 *
 * @example
 * plainRow([464, 3290]); // { ids: [464, 3290], positions: [0, 1], mask: [1, 1] }
 */
export function plainRow(ids: number[]): StepRow {
  return { ids, positions: ids.map((_, index) => index), mask: ids.map(() => 1) };
}

/**
 * Runs one decoder step; without `past`, every cache input is an empty [batch, heads, 0, head_dim] tensor.
 *
 * @example
 * const first = await runStep(session, [plainRow([464, 3290])]);
 * const next = await runStep(session, [{ ids: [318], positions: [2], mask: [1, 1, 1] }], first.past);
 */
export async function runStep(session: InferenceSession, rows: StepRow[], past?: Record<string, Tensor>): Promise<StepResult> {
  const int64 = (pick: (row: StepRow) => number[]) => {
    const values = rows.map(pick);
    return new Tensor("int64", BigInt64Array.from(values.flat(), BigInt), [rows.length, values[0]!.length]);
  };
  const feeds: Record<string, Tensor> = {
    input_ids: int64((row) => row.ids),
    position_ids: int64((row) => row.positions),
    attention_mask: int64((row) => row.mask),
    ...(past ?? createEmptyPast(rows.length)),
  };
  const outputs = await session.run(feeds);
  const nextPast: Record<string, Tensor> = {};
  for (let layer = 0; layer < TINY_CONFIG.nLayer; layer += 1) {
    const [pastNames, presentNames] = [getPastNames(layer), getPresentNames(layer)];
    nextPast[pastNames.key] = outputs[presentNames.key]!;
    nextPast[pastNames.value] = outputs[presentNames.value]!;
  }
  return { logits: outputs.logits!.data as Float32Array, past: nextPast };
}

/**
 * Largest |a[i] - b[i]|; throws on a length mismatch so a wrong slice cannot pass as "close".
 *
 * @example
 * maxAbsDifference([1, 2], [1, 2.5]); // 0.5
 */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/**
 * Logits of one (batch row, position) from a [batch, seq, vocab] array.
 *
 * @example
 * const last = sliceLogits(result.logits, 0, 5, 6);
 */
export function sliceLogits(logits: Float32Array, row: number, position: number, sequenceLength: number): Float32Array {
  const vocab = TINY_CONFIG.vocabSize;
  const start = (row * sequenceLength + position) * vocab;
  return logits.subarray(start, start + vocab);
}

/**
 * Index of the largest value (first on ties).
 *
 * @example
 * argmax(Float32Array.of(0, 3, 1)); // 1
 */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if (values[i]! > values[best]!) best = i;
  return best;
}

function createEmptyPast(batch: number): Record<string, Tensor> {
  const empty = () => new Tensor("float32", new Float32Array(0), [batch, TINY_CONFIG.nHead, 0, getHeadDim(TINY_CONFIG)]);
  const past: Record<string, Tensor> = {};
  for (let layer = 0; layer < TINY_CONFIG.nLayer; layer += 1) {
    const names = getPastNames(layer);
    past[names.key] = empty();
    past[names.value] = empty();
  }
  return past;
}
