import { expect } from "vitest";
import type { InferenceSession, Tensor } from "../../src/model/edge/ort-types";

// The fixture step both #ort tests (workerd and Node) run on
// test/fixtures/tiny-random-gpt2-ort/past.onnx: batch 1, three tokens, empty past.
// One place, so the two runtimes are held to the same inputs and golden values.

/** Token ids of the step; the model accepts ids below 1000 only (98 is its bos/eos). */
export const FIXTURE_TOKENS = [98, 464, 318] as const;
/** Vocabulary size of the fixture model (last logits dimension). */
export const FIXTURE_VOCAB = 1000;

/** Vocabulary ids whose logits are pinned for every position. */
const PROBE_IDS = [0, 1, 98, 499, 999] as const;

/** Per-position summary of a [1, seq, vocab] logits tensor. */
interface PositionDigest {
  argmax: number;
  probes: number[];
  sum: number;
}

/**
 * Golden digest, computed once with the Node variant of onnxruntime-web 1.30.0
 * (`expectGoldenLogits` prints the actual digest on a mismatch, to refresh these after a
 * deliberate fixture or ORT change). Both runtimes run the same ort-wasm-simd-threaded.wasm
 * single-threaded and were bit-identical when measured; each test allows 5e-6 per probe,
 * so the two runtimes agree with each other within 1e-5.
 */
const EXPECTED_DIGEST: readonly PositionDigest[] = [
  {
    argmax: 667,
    probes: [-0.020912276580929756, -0.13663029670715332, 0.11256201565265656, 0.14162111282348633, 0.09754718840122223],
    sum: -3.9701162301935256,
  },
  {
    argmax: 51,
    probes: [-0.09469388425350189, 0.16839122772216797, -0.1405913084745407, -0.0451040044426918, -0.11336297541856766],
    sum: -6.447736261878163,
  },
  {
    argmax: 144,
    probes: [0.0014748293906450272, 0.04265836626291275, -0.07065940648317337, 0.04875810816884041, 0.007799984887242317],
    sum: -1.2655705213546753,
  },
];

/**
 * Builds feeds from the session's own input names and metadata: ids, positions and mask for
 * the tokens, and every other tensor input as an empty past (symbolic dims: batch 1, past 0).
 *
 * @example
 * const feeds = emptyPastFeeds(session, Tensor, FIXTURE_TOKENS);
 * const { logits } = await session.run(feeds);
 */
export function emptyPastFeeds(session: InferenceSession, TensorClass: typeof Tensor, tokens: readonly number[]): Record<string, Tensor> {
  const seq = tokens.length;
  const ints = (values: number[]) => new TensorClass("int32", Int32Array.from(values), [1, seq]);
  const byName: Record<string, () => Tensor> = {
    input_ids: () => ints([...tokens]),
    position_ids: () => ints(tokens.map((_, index) => index)),
    attention_mask: () => ints(tokens.map(() => 1)),
  };
  const feeds: Record<string, Tensor> = {};
  for (const meta of session.inputMetadata) {
    const build = byName[meta.name];
    if (build) {
      feeds[meta.name] = build();
    } else if (meta.isTensor && meta.type === "float32") {
      // Symbolic dims are the batch (1) and the past length (0: no past yet).
      const dims = meta.shape.map((dim) => (typeof dim === "number" ? dim : /batch/i.test(dim) ? 1 : 0));
      feeds[meta.name] = new TensorClass("float32", new Float32Array(0), dims);
    } else {
      throw new Error(`fixture input ${meta.name} is not a float32 past tensor`);
    }
  }
  return feeds;
}

/** Summarises each position of a [1, seq, vocab] logits buffer. */
function digestLogits(data: Float32Array, vocab: number): PositionDigest[] {
  const digests: PositionDigest[] = [];
  for (let start = 0; start < data.length; start += vocab) {
    const row = data.subarray(start, start + vocab);
    let argmax = 0;
    let sum = 0;
    row.forEach((value, index) => {
      sum += value;
      if (value > row[argmax]!) argmax = index;
    });
    digests.push({ argmax, probes: PROBE_IDS.map((id) => row[id]!), sum });
  }
  return digests;
}

/**
 * Asserts a [1, seq, vocab] logits buffer is finite and matches EXPECTED_DIGEST.
 *
 * @example
 * expectGoldenLogits(outputs.logits?.data as Float32Array);
 */
export function expectGoldenLogits(data: Float32Array): void {
  expect(data.every(Number.isFinite)).toBe(true);
  const digest = digestLogits(data, FIXTURE_VOCAB);
  try {
    expect(digest).toHaveLength(EXPECTED_DIGEST.length);
    digest.forEach((position, index) => {
      const expected = EXPECTED_DIGEST[index]!;
      expect(position.argmax).toBe(expected.argmax);
      for (const [probe, value] of position.probes.entries()) expect(Math.abs(value - expected.probes[probe]!)).toBeLessThan(5e-6);
      expect(Math.abs(position.sum - expected.sum)).toBeLessThan(1e-4);
    });
  } catch (error) {
    console.log(`actual digest: ${JSON.stringify(digest)}`);
    throw error;
  }
}

/**
 * Runs the fixture step on a session from either `#ort` variant and checks
 * its names, logits shape and golden digest: the one check both runtimes pass.
 *
 * @example
 * await expectFixtureStep(await createSession(bytes), Tensor);
 */
export async function expectFixtureStep(session: InferenceSession, TensorClass: typeof Tensor): Promise<void> {
  expect(session.inputNames).toContain("input_ids");
  expect(session.outputNames).toContain("logits");
  const { logits } = await session.run(emptyPastFeeds(session, TensorClass, FIXTURE_TOKENS));
  expect(logits?.dims).toEqual([1, FIXTURE_TOKENS.length, FIXTURE_VOCAB]);
  expectGoldenLogits(logits?.data as Float32Array);
  await session.release();
}
