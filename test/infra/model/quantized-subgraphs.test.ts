import { describe, expect, it } from "vitest";
import { createSession, Tensor } from "#ort";
import { addInt8TiedEmbedding } from "../../../infra/model/emit-int8-embedding";
import { emitInt8Linear } from "../../../infra/model/emit-int8-linear";
import { addQ4TiedEmbedding } from "../../../infra/model/emit-q4-embedding";
import { emitQ4Linear } from "../../../infra/model/emit-q4-linear";
import type { Gpt2Config } from "../../../infra/model/gpt2-config";
import type { LinearWeights } from "../../../infra/model/gpt2-weights";
import type { EmitLinear } from "../../../infra/model/onnx-linear";
import { OnnxGraphBuilder } from "../../../infra/model/onnx-graph";
import { OnnxDataType } from "../../../infra/model/onnx-proto";
import { dequantizeInt8Columns, quantizeInt8Columns, type Int8Columns } from "../../../infra/model/quantize-int8";
import { dequantizeQ4Rows, quantizeQ4Rows } from "../../../infra/model/quantize-q4";
import type { AddTiedEmbedding } from "../../../infra/model/tied-embedding";
import { transposeMatrix } from "../../../infra/model/transpose-matrix";
import { maxAbsDifference } from "./gpt2-session";

// Each quantized subgraph alone in a small model, against plain TypeScript
// arithmetic: the weight layouts and the int8 integer path must be exact, so
// any model-level difference is quantization error, not wiring.

const ROWS = 3;
const wave = (length: number, rate: number, amplitude: number) =>
  Float32Array.from({ length }, (_, i) => amplitude * Math.sin(i * rate + 0.3));
const linear: LinearWeights = { inFeatures: 64, outFeatures: 48, weight: wave(64 * 48, 0.71, 0.2), bias: wave(48, 1.3, 0.5) };
const input = wave(ROWS * linear.inFeatures, 0.37, 2);
const config: Gpt2Config = { vocabSize: 40, nPositions: 8, nEmbd: 64, nLayer: 1, nHead: 1 };
const wte = wave(config.vocabSize * config.nEmbd, 0.53, 1);
const hidden = wave(ROWS * config.nEmbd, 0.41, 1.5);
const IDS = [7, 0, 39, 7];

/** Builds a graph with one input (a float32 or int64 tensor) and one float output, runs it once, and returns the output. */
async function runGraph(
  feed: Tensor,
  outputDims: number[],
  build: (graph: OnnxGraphBuilder, input: string) => string,
): Promise<Float32Array> {
  const graph = new OnnxGraphBuilder("subgraph");
  graph.addInput("input", feed.type === "int64" ? OnnxDataType.INT64 : OnnxDataType.FLOAT, feed.dims);
  const output = build(graph, "input");
  graph.addOutput(output, OnnxDataType.FLOAT, outputDims);
  const session = await createSession(graph.serialize({ producerName: "test", metadata: {} }));
  const result = (await session.run({ input: feed }))[output]!.data as Float32Array;
  await session.release();
  return result;
}

const runLinear = (emit: EmitLinear) =>
  runGraph(new Tensor("float32", input, [ROWS, linear.inFeatures]), [ROWS, linear.outFeatures], (graph, x) =>
    emit(graph, x, linear, "probe"),
  );
const runGather = (add: AddTiedEmbedding) =>
  runGraph(new Tensor("int64", BigInt64Array.from(IDS, BigInt), [1, IDS.length]), [1, IDS.length, config.nEmbd], (graph, ids) =>
    add(graph, config, wte).gatherRows(ids),
  );
const runLogits = (add: AddTiedEmbedding) =>
  runGraph(new Tensor("float32", hidden, [1, ROWS, config.nEmbd]), [1, ROWS, config.vocabSize], (graph, x) => {
    add(graph, config, wte).addLogits(x, "logits");
    return "logits";
  });
const gatherRows = (table: Float32Array) => IDS.flatMap((id) => [...table.subarray(id * config.nEmbd, (id + 1) * config.nEmbd)]);

/** ONNX DynamicQuantizeLinear in float32 arithmetic: uint8 codes over [min(0, x), max(0, x)], ties to even. */
function quantizeActivations(values: Float32Array): { codes: number[]; scale: number } {
  const low = Math.min(0, ...values);
  const scale = Math.fround((Math.max(0, ...values) - low) / 255);
  const roundEven = (value: number) => {
    const floor = Math.floor(value);
    const fraction = value - floor;
    return fraction > 0.5 || (fraction === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  };
  const zeroPoint = Math.min(255, Math.max(0, roundEven(Math.fround(-low / scale))));
  const codes = Array.from(values, (value) => Math.min(255, Math.max(0, roundEven(Math.fround(value / scale)) + zeroPoint)) - zeroPoint);
  return { codes, scale };
}

/** Matrix product of row-major [rows, k] and [k, n] in float64. */
function multiply(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, k: number, n: number): Float64Array {
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r += 1) {
    for (let i = 0; i < k; i += 1) for (let c = 0; c < n; c += 1) out[r * n + c] = out[r * n + c]! + a[r * k + i]! * b[i * n + c]!;
  }
  return out;
}

/** What MatMulInteger + rescale must give: exact integer sums of (code - zero point) · weight code, times both scales. */
function multiplyDynamicInt8(x: Float32Array, rows: number, weight: Int8Columns): Float32Array {
  const activations = quantizeActivations(x);
  const sums = multiply(activations.codes, weight.values, rows, weight.rows, weight.cols);
  return Float32Array.from(sums, (sum, i) => sum * Math.fround(activations.scale * weight.scales[i % weight.cols]!));
}

describe("int8 subgraphs", () => {
  const head = quantizeInt8Columns(transposeMatrix(wte, config.vocabSize, config.nEmbd), config.nEmbd, config.vocabSize);

  it("computes the projection exactly as integer codes times both scales, plus bias", async () => {
    const product = multiplyDynamicInt8(input, ROWS, quantizeInt8Columns(linear.weight, linear.inFeatures, linear.outFeatures));
    const expected = product.map((value, i) => value + linear.bias[i % linear.outFeatures]!);
    // int32 sums are exact; what is left is float32 rounding of the rescale and the bias add.
    expect(maxAbsDifference(await runLinear(emitInt8Linear), expected)).toBeLessThan(1e-6);
  });

  it("dequantizes gathered embedding rows exactly to the stored int8 values times each token's scale", async () => {
    const table = transposeMatrix(dequantizeInt8Columns(head), config.nEmbd, config.vocabSize);
    expect([...(await runGather(addInt8TiedEmbedding))]).toEqual(gatherRows(table));
  });

  it("projects onto the vocabulary through MatMulInteger on the same stored matrix, a scale per token", async () => {
    // Exact integer sums again; float32 rounding on logits of up to ~10.
    expect(maxAbsDifference(await runLogits(addInt8TiedEmbedding), multiplyDynamicInt8(hidden, ROWS, head))).toBeLessThan(1e-5);
  });
});

describe("q4 subgraphs", () => {
  const table = dequantizeQ4Rows(quantizeQ4Rows(wte, config.vocabSize, config.nEmbd));

  it("computes the projection as float input times the dequantized weight, plus bias", async () => {
    const { inFeatures, outFeatures } = linear;
    const blocks = quantizeQ4Rows(transposeMatrix(linear.weight, inFeatures, outFeatures), outFeatures, inFeatures);
    const weight = transposeMatrix(dequantizeQ4Rows(blocks), outFeatures, inFeatures);
    const expected = multiply(input, weight, ROWS, inFeatures, outFeatures).map((value, i) => value + linear.bias[i % outFeatures]!);
    expect(maxAbsDifference(await runLinear(emitQ4Linear), expected)).toBeLessThan(1e-5);
  });

  it("gathers embedding rows from the LM head's packed codes, dequantized exactly", async () => {
    expect([...(await runGather(addQ4TiedEmbedding))]).toEqual(gatherRows(table));
  });

  it("projects onto the vocabulary with the same packed matrix", async () => {
    const expected = multiply(hidden, transposeMatrix(table, config.vocabSize, config.nEmbd), ROWS, config.nEmbd, config.vocabSize);
    expect(maxAbsDifference(await runLogits(addQ4TiedEmbedding), expected)).toBeLessThan(1e-5);
  });
});
