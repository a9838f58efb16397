import { createGpt2Runner } from "../../src/model/edge/gpt2-runner";
import type { InferenceSession } from "../../src/model/edge/ort-types";

/** Any GPT-2 tokens: the check compares the model with itself. */
const PROBE_IDS = [464, 3290, 318, 257, 1310, 286, 262, 3504];
/**
 * int8 graphs quantize activations per tensor, so one row quantized alone differs
 * from the same row among eight, by an amount that depends on the CPU's int8
 * kernels: measured 0.2-0.3 on one machine and 1.9 on another, on a logit range
 * of ~48. Chunked prompt feeding already quantizes rows in varying company, so
 * this is the same noise; the top token must not change at all.
 */
const TOLERANCE_OF_RANGE = 0.05;

/**
 * Why a graph edited by `addLogitsToKeep` is unfit, or undefined when it is
 * fit: the last position's logits with `num_logits_to_keep` 1 must match
 * those of a full run (0), the same top token and within 5% of the logits'
 * range. A graph that restores its logits' shape from the ids (not from the
 * hidden state) fails here rather than at serving time.
 *
 * @example
 * const problem = await checkLogitsToKeep(await InferenceSession.create(edit.bytes));
 */
export async function checkLogitsToKeep(session: InferenceSession): Promise<string | undefined> {
  try {
    const runner = createGpt2Runner(session);
    let full = new Float32Array(0);
    let last = new Float32Array(0);
    await runner.feed(PROBE_IDS, undefined, (position, logits) => {
      if (position === PROBE_IDS.length - 1) full = logits.slice();
    });
    await runner.feed(PROBE_IDS, undefined, (_, logits) => (last = logits.slice()), { lastOnly: true });
    if (last.length !== full.length || full.length === 0) return `the last row has ${last.length} logits, a full run ${full.length}`;
    let [diff, high, low, top, keptTop] = [0, -Infinity, Infinity, 0, 0];
    full.forEach((value, id) => {
      diff = Math.max(diff, Math.abs(value - (last[id] as number)));
      [high, low] = [Math.max(high, value), Math.min(low, value)];
      if (value > (full[top] as number)) top = id;
      if ((last[id] as number) > (last[keptTop] as number)) keptTop = id;
    });
    if (top !== keptTop) return `the top token changed from ${top} to ${keptTop}`;
    if (diff > TOLERANCE_OF_RANGE * (high - low))
      return `the last row moved by ${diff.toFixed(3)} (logit range ${(high - low).toFixed(1)})`;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
