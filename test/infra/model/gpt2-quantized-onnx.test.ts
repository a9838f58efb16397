import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, type InferenceSession } from "#ort";
import { buildGpt2Onnx } from "../../../infra/model/build-gpt2-onnx";
import { dequantizeGpt2Weights } from "../../../infra/model/dequantize-gpt2-weights";
import { GPT2_QUANTIZATIONS, type Gpt2Quantization } from "../../../infra/model/gpt2-quantization";
import { createGpt2Weights } from "../../../infra/model/gpt2-weights";
import { runReferenceGpt2 } from "../../../infra/model/reference-gpt2";
import { generateIds } from "../../../src/model/edge/generate-ids";
import { createGpt2Runner, type Gpt2Runner } from "../../../src/model/edge/gpt2-runner";
import { END_OF_TEXT_ID, gpt2Tokenizer } from "../../../src/model/tokenizer";
import { argmax, maxAbsDifference, TINY_CONFIG } from "./gpt2-session";

const PROMPT = [464, 3290, 318, 257, 1332, 13];
const GREEDY_STEPS = 64;
// q4 keeps float32 activations: MatMulNBits on the dequantized weights is the
// float32 graph on those weights, whose distance to the float64 reference
// measures ~2e-5 on logits of magnitude ~30 (as for fp32, see gpt2-onnx-vs-reference).
const Q4_TOLERANCE = 1e-4;
// int8 also quantizes every projection's input per call (8 bits over the
// tensor's range), so it is held to fp32 itself: measured 1.4 at most over 64
// steps (logit std ~6) and 60/64 same top-1; the bounds leave room for other seeds (1.0-1.4, 55-61/64).
const INT8_MAX_DRIFT = 2.5;
const INT8_MIN_TOP1_AGREEMENT = 0.8;

const greedy = { strategy: "greedy", maxTokens: GREEDY_STEPS } as const;
const engineOptions = { eosTokenId: END_OF_TEXT_ID, decode: gpt2Tokenizer.decode };

describe("quantized tiny GPT-2 in onnxruntime-web (wasm)", () => {
  const weights = createGpt2Weights(TINY_CONFIG, 1);
  const bytes = {} as Record<Gpt2Quantization, Uint8Array>;
  const sessions = {} as Record<Gpt2Quantization, InferenceSession>;
  beforeAll(async () => {
    for (const quantization of GPT2_QUANTIZATIONS) {
      bytes[quantization] = buildGpt2Onnx(TINY_CONFIG, weights, { quantization });
      sessions[quantization] = await createSession(bytes[quantization]);
    }
  });
  afterAll(() => Promise.all(Object.values(sessions).map((session) => session.release())));

  it("shrinks the file as the tied matrix's bytes per value do (fp32 4, int8 1 + scales, q4 0.5 + scales)", () => {
    // The tied [vocab, 32] matrix is ~96% of the fp32 file; per-token (int8) and per-block (q4) scales add 4/32 bytes per value.
    expect(bytes.fp32.length / bytes.int8.length).toBeGreaterThan(3.2);
    expect(bytes.fp32.length / bytes.q4.length).toBeGreaterThan(5.5);
  });

  it.each(["int8", "q4"] as const)("%s keeps fp32's input and output names", (quantization) => {
    expect(sessions[quantization].inputNames).toEqual(sessions.fp32.inputNames);
    expect(sessions[quantization].outputNames).toEqual(sessions.fp32.outputNames);
  });

  it.each(["int8", "q4"] as const)("%s decodes greedily through the edge engine with its KV cache", async (quantization) => {
    const out = await generateIds(createGpt2Runner(sessions[quantization]), PROMPT, { strategy: "greedy", maxTokens: 12 }, engineOptions);
    expect(out.ids).toHaveLength(12);
    expect(new Set(out.ids).size).toBeGreaterThan(1);
  });

  it("q4 computes the reference logits on the dequantized weights", async () => {
    const dequantized = dequantizeGpt2Weights(TINY_CONFIG, weights, "q4");
    const logits = await collectLogits(createGpt2Runner(sessions.q4), PROMPT);
    expect(maxAbsDifference(logits, runReferenceGpt2(TINY_CONFIG, dequantized, PROMPT))).toBeLessThan(Q4_TOLERANCE);
  });

  it("q4's cached greedy decoding picks the reference's tokens on the dequantized weights", async () => {
    const dequantized = dequantizeGpt2Weights(TINY_CONFIG, weights, "q4");
    const steps = 8;
    const out = await generateIds(createGpt2Runner(sessions.q4), PROMPT, { strategy: "greedy", maxTokens: steps }, engineOptions);
    const ids = [...PROMPT];
    while (ids.length < PROMPT.length + steps) {
      ids.push(argmax(runReferenceGpt2(TINY_CONFIG, dequantized, ids).subarray((ids.length - 1) * TINY_CONFIG.vocabSize)));
    }
    expect(out.ids).toEqual(ids.slice(PROMPT.length));
  });

  it("int8 stays close to fp32 along fp32's greedy path", async () => {
    const path = [...PROMPT, ...(await generateIds(createGpt2Runner(sessions.fp32), PROMPT, greedy, engineOptions)).ids];
    const fp32 = await collectLogits(createGpt2Runner(sessions.fp32), path);
    const int8 = await collectLogits(createGpt2Runner(sessions.int8), path);
    const vocab = TINY_CONFIG.vocabSize;
    const positions = Array.from({ length: path.length - PROMPT.length }, (_, i) => PROMPT.length - 1 + i);
    const row = (logits: Float32Array, position: number) => logits.subarray(position * vocab, (position + 1) * vocab);
    const agreeing = positions.filter((position) => argmax(row(int8, position)) === argmax(row(fp32, position))).length;
    expect(Math.max(...positions.map((position) => maxAbsDifference(row(int8, position), row(fp32, position))))).toBeLessThan(
      INT8_MAX_DRIFT,
    );
    expect(agreeing / positions.length).toBeGreaterThanOrEqual(INT8_MIN_TOP1_AGREEMENT);
  });
});

/** Feeds `ids` through the engine (chunked, with the cache) and returns every position's logits, row-major [ids, vocab]. */
async function collectLogits(runner: Gpt2Runner, ids: number[]): Promise<Float32Array> {
  const vocab = TINY_CONFIG.vocabSize;
  const logits = new Float32Array(ids.length * vocab);
  await runner.feed(ids, undefined, (position, row) => logits.set(row, position * vocab));
  return logits;
}
