import { Tensor } from "#ort";
import type { ModelLayout } from "./model-layout";
import { describeLayout } from "./model-layout";
import type { InferenceSession } from "./ort-types";

/** The key/value cache after some tokens: the model's present tensors by past-input name. */
export interface KvCache {
  length: number;
  tensors: Record<string, Tensor>;
}

/** Receives the next-token logits of each fed position (a view, valid only during the call). */
export type LogitsVisitor = (position: number, logits: Float32Array) => void;

/** How a feed is read. */
export interface FeedOptions {
  /**
   * Only the last fed position's logits are wanted (generation, a shared
   * prefix). A model converted with `num_logits_to_keep` then runs its LM head
   * on that position alone, and the prompt goes in larger chunks.
   */
  lastOnly?: boolean;
}

/**
 * Feeds tokens to a GPT-2 ONNX session with its KV cache, in chunks so the
 * [chunk, vocab] logits tensor stays small (a 1024-token prompt at once would
 * be 200 MB of logits).
 *
 * @example
 * const runner = createGpt2Runner(session);
 * const cache = await runner.feed([464, 3290], undefined, (pos, logits) => console.log(pos, logits.length));
 */
export interface Gpt2Runner {
  readonly layout: ModelLayout;
  /**
   * The most bytes one step has held in JS at once so far: the cache fed in and
   * the outputs (presents and logits) copied out of wasm, both alive until the step ends.
   */
  readonly peakStepBytes: number;
  feed(ids: readonly number[], cache: KvCache | undefined, visit?: LogitsVisitor, options?: FeedOptions): Promise<KvCache>;
}

/** Optional parts of a runner. */
export interface RunnerOptions {
  /** Tokens per forward pass while prefilling with every position's logits (default 64). */
  chunkTokens?: number;
  /**
   * Optimum's split export: `decoder_model.onnx` (no past inputs) for the
   * first pass, the main session (`decoder_with_past_model.onnx`) after it.
   */
  firstPassSession?: InferenceSession;
}

/** Prefill chunk when only the last position's logits are computed. */
const LAST_ONLY_CHUNK_TOKENS = 64;

/**
 * Wraps a session whose layout is read from the session itself.
 *
 * @example
 * const runner = createGpt2Runner(await createSession(bytes));
 * const split = createGpt2Runner(withPast, { firstPassSession: withoutPast });
 */
export function createGpt2Runner(session: InferenceSession, options: RunnerOptions = {}): Gpt2Runner {
  const layout = describeLayout(session);
  const empty = emptyCache(layout);
  const chunkTokens = options.chunkTokens ?? 64;
  let peakStepBytes = 0;

  async function step(ids: readonly number[], cache: KvCache, visit: LogitsVisitor | undefined, lastOnly: boolean): Promise<KvCache> {
    const active = cache.length === 0 && options.firstPassSession ? options.firstPassSession : session;
    const total = cache.length + ids.length;
    const feeds: Record<string, Tensor> = { ...cache.tensors, input_ids: idTensor(layout, ids) };
    if (layout.hasAttentionMask) feeds.attention_mask = onesTensor(layout, total);
    if (layout.hasPositionIds)
      feeds.position_ids = idTensor(
        layout,
        ids.map((_, i) => cache.length + i),
      );
    if (layout.hasUseCacheBranch) feeds.use_cache_branch = new Tensor("bool", [cache.length > 0], [1]);
    if (layout.hasLogitsToKeep) feeds.num_logits_to_keep = new Tensor("int64", BigInt64Array.of(lastOnly ? 1n : 0n), [1]);
    // A session rejects feeds it does not declare (the first-pass model has no past inputs).
    const outputs = await active.run(Object.fromEntries(active.inputNames.map((name) => [name, feeds[name] as Tensor])));
    const logits = outputs.logits;
    if (!logits) throw new Error("the model returned no logits");
    peakStepBytes = Math.max(peakStepBytes, bytesOf(Object.values(cache.tensors)) + bytesOf(Object.values(outputs)));
    if (visit) {
      const data = logits.data as Float32Array;
      const vocab = logits.dims.at(-1) as number;
      // The rows are the last positions fed: all of them, or one when the model kept only the last.
      const rows = data.length / vocab;
      for (let row = lastOnly ? rows - 1 : 0; row < rows; row += 1) {
        visit(total - rows + row, data.subarray(row * vocab, (row + 1) * vocab));
      }
    }
    const tensors: Record<string, Tensor> = {};
    for (const [layer, names] of layout.pastInputs.entries()) {
      for (const [k, name] of names.entries()) {
        const present = outputs[layout.presentOutputs[layer]?.[k] as string];
        if (!present) throw new Error(`the model returned no ${layout.presentOutputs[layer]?.[k]}`);
        tensors[name] = present;
      }
    }
    return { length: total, tensors };
  }

  return {
    layout,
    get peakStepBytes() {
      return peakStepBytes;
    },
    async feed(ids, cache, visit, feedOptions = {}) {
      let current = cache ?? empty;
      const lastOnly = feedOptions.lastOnly === true;
      // Without [chunk, vocab] logits, a chunk's cost is its activations: small next to the cache.
      const chunk = lastOnly && layout.hasLogitsToKeep ? Math.max(chunkTokens, LAST_ONLY_CHUNK_TOKENS) : chunkTokens;
      for (let start = 0; start < ids.length; start += chunk) {
        const last = start + chunk >= ids.length;
        current = await step(ids.slice(start, start + chunk), current, last || !lastOnly ? visit : undefined, lastOnly);
      }
      return current;
    },
  };
}

function bytesOf(tensors: readonly Tensor[]): number {
  return tensors.reduce((sum, tensor) => sum + (tensor.data as ArrayBufferView).byteLength, 0);
}

function idTensor(layout: ModelLayout, values: readonly number[]): Tensor {
  return layout.idType === "int32"
    ? new Tensor("int32", Int32Array.from(values), [1, values.length])
    : new Tensor(
        "int64",
        BigInt64Array.from(values, (value) => BigInt(value)),
        [1, values.length],
      );
}

/** All-ones mask, filled as a typed array: per-element BigInt conversion grows with context. */
function onesTensor(layout: ModelLayout, length: number): Tensor {
  return layout.idType === "int32"
    ? new Tensor("int32", new Int32Array(length).fill(1), [1, length])
    : new Tensor("int64", new BigInt64Array(length).fill(1n), [1, length]);
}

function emptyCache(layout: ModelLayout): KvCache {
  const dims = layout.kind === "optimum" ? [1, layout.heads, 0, layout.headDim] : [2, 1, layout.heads, 0, layout.headDim];
  const tensors: Record<string, Tensor> = {};
  for (const name of layout.pastInputs.flat()) tensors[name] = new Tensor("float32", new Float32Array(0), dims);
  return { length: 0, tensors };
}
