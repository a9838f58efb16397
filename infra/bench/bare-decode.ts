import { Tensor } from "#ort";
import type { ModelLayout } from "../../src/model/edge/model-layout";
import type { InferenceSession } from "../../src/model/edge/ort-types";
import { stepsBetween, type StepMark, type StepTiming } from "./step-timing";

/** A hand-written greedy loop's cost, for comparison with the engine's. */
export interface BareDecodeTiming {
  /** Each cycle: build the feeds, `session.run`, argmax, keep the present tensors. */
  steps: StepTiming[];
  /** The prefill's token followed by one per decode step. */
  ids: number[];
}

type Past = Record<string, Tensor>;

/**
 * The floor the engine is measured against: the same session driven by plain
 * `session.run` calls with feeds built by hand and a plain argmax, no
 * abstraction, no per-step copies beyond what ORT itself does. The prompt is
 * prefilled in chunks of `chunkTokens` (untimed) so the cache, and therefore
 * the tokens, match the engine's when it uses the same chunk size. `runMs`
 * reads the running total of the session's `run` time (see run-clock.ts).
 *
 * @example
 * const { steps } = await timeBareDecode(clock.session, runner.layout, promptIds, 16, 64, clock.runMs);
 */
export async function timeBareDecode(
  session: InferenceSession,
  layout: ModelLayout,
  promptIds: readonly number[],
  steps: number,
  chunkTokens: number,
  runMs: () => number,
): Promise<BareDecodeTiming> {
  let past = emptyPast(layout);
  let logits: Tensor | undefined;
  for (let start = 0; start < promptIds.length; start += chunkTokens) {
    ({ past, logits } = await runStep(session, layout, promptIds.slice(start, start + chunkTokens), past, start));
  }
  if (!logits) throw new Error("the prompt is empty");
  const ids = [argmaxLastRow(logits)];
  const marks: StepMark[] = [];
  for (let step = 0; step < steps; step += 1) {
    marks.push({ at: performance.now(), runMs: runMs() });
    ({ past, logits } = await runStep(session, layout, [ids[ids.length - 1] as number], past, promptIds.length + step));
    ids.push(argmaxLastRow(logits));
  }
  marks.push({ at: performance.now(), runMs: runMs() });
  return { steps: stepsBetween(marks), ids };
}

async function runStep(
  session: InferenceSession,
  layout: ModelLayout,
  ids: readonly number[],
  past: Past,
  pastLength: number,
): Promise<{ past: Past; logits: Tensor }> {
  const total = pastLength + ids.length;
  const feeds: Past = { ...past, input_ids: intTensor(layout, ids.length, (i) => ids[i] as number) };
  if (layout.hasAttentionMask) feeds.attention_mask = intTensor(layout, total, () => 1);
  if (layout.hasPositionIds) feeds.position_ids = intTensor(layout, ids.length, (i) => pastLength + i);
  if (layout.hasUseCacheBranch) feeds.use_cache_branch = new Tensor("bool", [pastLength > 0], [1]);
  // Greedy needs the last row only, as the engine asks of a model converted with this input.
  if (layout.hasLogitsToKeep) feeds.num_logits_to_keep = new Tensor("int64", BigInt64Array.of(1n), [1]);
  const outputs = await session.run(feeds);
  const next: Past = {};
  for (const [layer, names] of layout.pastInputs.entries()) {
    for (const [k, name] of names.entries()) next[name] = outputs[layout.presentOutputs[layer]?.[k] as string] as Tensor;
  }
  return { past: next, logits: outputs.logits as Tensor };
}

function intTensor(layout: ModelLayout, length: number, valueAt: (index: number) => number): Tensor {
  if (layout.idType === "int32") {
    const data = new Int32Array(length);
    for (let i = 0; i < length; i += 1) data[i] = valueAt(i);
    return new Tensor("int32", data, [1, length]);
  }
  const data = new BigInt64Array(length);
  for (let i = 0; i < length; i += 1) data[i] = BigInt(valueAt(i));
  return new Tensor("int64", data, [1, length]);
}

function emptyPast(layout: ModelLayout): Past {
  const dims = layout.kind === "optimum" ? [1, layout.heads, 0, layout.headDim] : [2, 1, layout.heads, 0, layout.headDim];
  const past: Past = {};
  for (const name of layout.pastInputs.flat()) past[name] = new Tensor("float32", new Float32Array(0), dims);
  return past;
}

/** Lowest id on ties, like the engine's greedy pick. */
function argmaxLastRow(logits: Tensor): number {
  const data = logits.data as Float32Array;
  const vocab = logits.dims[logits.dims.length - 1] as number;
  const offset = data.length - vocab;
  let best = 0;
  let bestValue = data[offset] as number;
  for (let id = 1; id < vocab; id += 1) {
    const value = data[offset + id] as number;
    if (value > bestValue) {
      best = id;
      bestValue = value;
    }
  }
  return best;
}
