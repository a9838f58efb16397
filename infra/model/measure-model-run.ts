import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { createSession, type InferenceSession } from "#ort";
import { createGpt2Runner } from "../../src/model/edge/gpt2-runner";

/** What to run: a model file, a prompt, and how many greedy tokens to decode after it. */
export interface ModelRunOptions {
  path: string;
  promptIds: number[];
  steps: number;
}

export interface ModelRun {
  /** The process before the model is read: Node, ORT's wasm module, the tokenizer. */
  rss_mb_before_load: number;
  session_load_ms: number;
  /** Once the session exists, before any run: what holding the model costs. */
  rss_mb_after_load: number;
  /** The prompt through a fresh session: includes one-time costs (wasm memory growth, first-run allocations). */
  first_prefill_ms: number;
  /** The same prompt again, from an empty cache. */
  warm_prefill_ms: number;
  ms_per_token: number;
  /** Highest `process.memoryUsage().rss` seen at step boundaries. */
  peak_rss_mb_sampled: number;
  /** The OS's resident-set high-water mark (getrusage), which also sees inside a run. */
  peak_rss_mb_os: number;
  /** The greedy continuation, to compare free-running decoding across variants. */
  ids: number[];
}

const MB = 1e6;

/**
 * Loads one model with `#ort` and decodes greedily through the edge engine's
 * runner (the prompt in one prefill, twice to separate one-time costs, then
 * one token per step with the KV cache), timing the load and each step and
 * sampling RSS between them. ORT's wasm backend blocks the thread during a
 * run, so a polling timer would see nothing; wasm memory never shrinks, so
 * boundary samples catch its growth. Run it in a fresh process per model so
 * the peak is that model's alone.
 *
 * @example
 * const run = await measureModelRun({ path: "models/generated/distilgpt2-seed1/decoder_model_merged_q4.onnx", promptIds: [464], steps: 200 });
 */
export async function measureModelRun(options: ModelRunOptions): Promise<ModelRun> {
  let peakRss = 0;
  const sampleRss = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  const rssBeforeLoad = process.memoryUsage().rss;
  const { session, sessionLoadMs } = await loadSession(options.path, sampleRss);
  const runner = createGpt2Runner(session);
  const rssAfterLoad = process.memoryUsage().rss;
  sampleRss();

  let next = 0;
  const keepArgmax = (_: number, logits: Float32Array) => {
    next = 0;
    for (let i = 1; i < logits.length; i += 1) if (logits[i]! > logits[next]!) next = i;
  };
  let started = performance.now();
  await runner.feed(options.promptIds, undefined);
  const firstPrefillMs = performance.now() - started;
  sampleRss();
  started = performance.now();
  let cache = await runner.feed(options.promptIds, undefined, keepArgmax);
  const warmPrefillMs = performance.now() - started;
  const ids: number[] = [];
  let decodeMs = 0;
  while (ids.length < options.steps) {
    ids.push(next);
    started = performance.now();
    cache = await runner.feed([next], cache, keepArgmax);
    decodeMs += performance.now() - started;
    sampleRss();
  }
  return {
    rss_mb_before_load: round(rssBeforeLoad / MB),
    session_load_ms: round(sessionLoadMs),
    rss_mb_after_load: round(rssAfterLoad / MB),
    first_prefill_ms: round(firstPrefillMs),
    warm_prefill_ms: round(warmPrefillMs),
    ms_per_token: round(decodeMs / options.steps),
    peak_rss_mb_sampled: round(peakRss / MB),
    peak_rss_mb_os: round((process.resourceUsage().maxRSS * 1024) / MB),
    ids,
  };
}

/** Reads and opens the model in its own scope, so the file's bytes can be collected once ORT has copied them. */
async function loadSession(path: string, sampleRss: () => void): Promise<{ session: InferenceSession; sessionLoadMs: number }> {
  const bytes = new Uint8Array(await readFile(path));
  sampleRss();
  const started = performance.now();
  const session = await createSession(bytes);
  return { session, sessionLoadMs: performance.now() - started };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

// As a forked child: options as JSON in argv, the result back over IPC.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  measureModelRun(JSON.parse(process.argv[2] ?? "") as ModelRunOptions).then(
    (run) => process.send?.(run, () => process.exit(0)),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
