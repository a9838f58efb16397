import { generateIds } from "../../src/model/edge/generate-ids";
import type { Gpt2Runner } from "../../src/model/edge/gpt2-runner";
import { gpt2Tokenizer } from "../../src/model/tokenizer";
import { stepsBetween, type StepMark, type StepTiming } from "./step-timing";

/** What one greedy `generateIds` call cost, split into its phases. */
export interface EngineDecodeTiming {
  /** From the call to the end of the prompt's forward pass. */
  prefillMs: number;
  /** From the call to the moment the first new token id exists. */
  ttftMs: number;
  /** Each full decode cycle: feed one token, keep its logits, pick, detokenize, check stops. */
  steps: StepTiming[];
  ids: number[];
}

// A random-weight model may pick end-of-text at any step; the benchmark needs
// a fixed number of steps, so no id ends generation.
const NO_EOS = -1;

/**
 * Runs the engine's own generation loop (`generateIds`, greedy, with the GPT-2
 * detokenizer as the edge backend uses it) and times it from inside through a
 * runner wrapper. A cycle spans from the start of one single-token feed to the
 * start of the next, so each holds everything the engine does per token and
 * neither the prefill nor the final bookkeeping. `runMs` reads the running
 * total of the session's `run` time (see run-clock.ts).
 *
 * @example
 * const { steps } = await timeEngineDecode(runner, promptIds, 16, clock.runMs);
 */
export async function timeEngineDecode(
  runner: Gpt2Runner,
  promptIds: readonly number[],
  steps: number,
  runMs: () => number,
): Promise<EngineDecodeTiming> {
  const marks: StepMark[] = [];
  let prefillEnd = Number.NaN;
  const timed: Gpt2Runner = {
    layout: runner.layout,
    get peakStepBytes() {
      return runner.peakStepBytes;
    },
    async feed(ids, cache, visit, feedOptions) {
      if (cache !== undefined) marks.push({ at: performance.now(), runMs: runMs() });
      const next = await runner.feed(ids, cache, visit, feedOptions);
      if (cache === undefined) prefillEnd = performance.now();
      return next;
    },
  };
  const decode = (ids: readonly number[]): string => gpt2Tokenizer.decode(ids);
  const begin = performance.now();
  // steps + 2 tokens: the first comes from the prefill, the last is never fed, leaving steps + 1 feeds.
  const out = await generateIds(timed, promptIds, { strategy: "greedy", maxTokens: steps + 2 }, { eosTokenId: NO_EOS, decode });
  if (marks.length !== steps + 1) throw new Error(`generation stopped after ${out.ids.length} tokens`);
  // The first token is chosen when the engine feeds it back: the first feed with a cache.
  const firstToken = marks[0]?.at ?? Number.NaN;
  return { prefillMs: prefillEnd - begin, ttftMs: firstToken - begin, steps: stepsBetween(marks), ids: out.ids };
}
