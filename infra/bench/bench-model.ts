import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createSession } from "#ort";
import { createGpt2Runner, type Gpt2Runner } from "../../src/model/edge/gpt2-runner";
import { gpt2Tokenizer } from "../../src/model/tokenizer";
import { readModelConfig } from "../edge/load-model-file";
import { timeBareDecode } from "./bare-decode";
import { timeEngineDecode } from "./engine-decode";
import { summarizeModel, type ModelReport } from "./model-report";
import { createMemoryTracker } from "./peak-memory";
import { clockSession, type ClockedSession } from "./run-clock";
import type { StepTiming } from "./step-timing";

/** What to measure for one model file. */
export interface BenchModelOptions {
  name: string;
  path: string;
  /** Decode steps per measurement. */
  steps: number;
  /** Measurements per position and loop, pooled. */
  rounds: number;
}

const SHORT_POSITION = 32;
const LONG_POSITION = 512;
// The same chunk for the engine and the bare prefill keeps both caches, and so their tokens, identical.
const PREFILL_CHUNK = 64;
const PROMPT_TEXT =
  "The council voted on Tuesday to expand the bike lane network across the city, " +
  "citing a sharp rise in cycling since the new bridge opened last spring. ";

/**
 * Loads one model from bytes and measures load, prefill, time to first token
 * and decode cost at two cache lengths, through the engine and through a bare
 * `session.run` loop on the same session; the two loops alternate order each
 * round so drift hits both alike. Progress goes to stderr.
 *
 * @example
 * const report = await benchModel({ name: "tiny", path: "models/generated/tiny-seed1/decoder_model_merged.onnx", steps: 16, rounds: 3 });
 */
export async function benchModel(options: BenchModelOptions): Promise<ModelReport> {
  const { name, path, steps, rounds } = options;
  const memory = createMemoryTracker();
  const { clock, runner, fileBytes, loadMs } = await loadFromBytes(path);
  memory.sample();
  const { layout } = runner;
  const longPosition = Math.min(LONG_POSITION, (await readModelConfig(dirname(path))).contextTokens - steps - 2);
  const progress = (message: string) => console.error(`[${name}] ${message}`);
  progress(`loaded in ${loadMs.toFixed(0)} ms: ${layout.layers} layers, ${layout.heads} heads of ${layout.headDim}`);

  const vocab = await probeVocab(runner);
  const benchPrompt = (length: number) => promptIds(length, vocab);
  // The first runs at each length pay one-off costs (kernel setup, wasm memory growth) that are not decode cost.
  for (const position of [SHORT_POSITION, longPosition]) await timeEngineDecode(runner, benchPrompt(position), 2, clock.runMs);
  const prefillMs: number[] = [];
  const ttftMs: number[] = [];
  const engine: [StepTiming[], StepTiming[]] = [[], []];
  const bare: [StepTiming[], StepTiming[]] = [[], []];
  let tokensMatch = true;
  for (let round = 0; round < rounds; round += 1) {
    for (const [slot, position] of [SHORT_POSITION, longPosition].entries()) {
      const prompt = benchPrompt(position);
      const measureEngine = () => timeEngineDecode(runner, prompt, steps, clock.runMs);
      // Even rounds run the engine first, odd rounds the bare loop.
      const engineFirst = round % 2 === 0 ? await measureEngine() : undefined;
      const bareRun = await timeBareDecode(clock.session, layout, prompt, steps, PREFILL_CHUNK, clock.runMs);
      const engineRun = engineFirst ?? (await measureEngine());
      if (slot === 0) {
        prefillMs.push(engineRun.prefillMs);
        ttftMs.push(engineRun.ttftMs);
      }
      engine[slot]?.push(...engineRun.steps);
      bare[slot]?.push(...bareRun.steps);
      tokensMatch &&= bareRun.ids.every((id, i) => engineRun.ids[i] === id);
      memory.sample();
      progress(`round ${round + 1}/${rounds} at ${position}: engine ${meanMs(engineRun.steps)} ms/token, bare ${meanMs(bareRun.steps)}`);
    }
  }
  if (!tokensMatch) progress("warning: the engine and the bare loop chose different tokens");
  const { peaks, peakRssMb } = memory;
  return summarizeModel({
    name,
    fileBytes,
    layout,
    loadMs,
    prefillMs,
    ttftMs,
    longPosition,
    engine,
    bare,
    tokensMatch,
    peakRssMb: peakRssMb(),
    memory: peaks(),
  });
}

/**
 * Times bytes → session → runner, the part a Worker repeats on a cold start;
 * reading the file is not timed. The bytes stay local here so they can be
 * collected once ORT has copied them into wasm memory.
 */
async function loadFromBytes(path: string): Promise<{ clock: ClockedSession; runner: Gpt2Runner; fileBytes: number; loadMs: number }> {
  const bytes = new Uint8Array(await readFile(path));
  const start = performance.now();
  const clock = clockSession(await createSession(bytes));
  const runner = createGpt2Runner(clock.session, { chunkTokens: PREFILL_CHUNK });
  return { clock, runner, fileBytes: bytes.byteLength, loadMs: performance.now() - start };
}

/** Feeds one token to read the vocabulary size off the logits: test models may have a small one. */
async function probeVocab(runner: Gpt2Runner): Promise<number> {
  let vocab = 0;
  await runner.feed([0], undefined, (_, logits) => {
    vocab = logits.length;
  });
  return vocab;
}

/** English text cycled to exactly `length` GPT-2 tokens (wrapped into a smaller vocabulary), so attention sees realistic ids. */
function promptIds(length: number, vocab: number): number[] {
  const cycle = gpt2Tokenizer.encode(PROMPT_TEXT);
  return Array.from({ length }, (_, i) => (cycle[i % cycle.length] as number) % vocab);
}

function meanMs(steps: readonly StepTiming[]): string {
  return (steps.reduce((sum, step) => sum + step.totalMs, 0) / steps.length).toFixed(2);
}
