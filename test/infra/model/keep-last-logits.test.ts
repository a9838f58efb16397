import { InferenceSession, Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { addLogitsToKeep, LOGITS_TO_KEEP_INPUT } from "../../../infra/model/keep-last-logits";
import { encodeNode, encodeTensor, encodeValueInfo, OnnxDataType, type OnnxNode } from "../../../infra/model/onnx-proto";
import { ProtoWriter } from "../../../infra/model/protobuf-writer";

// Optimum's merged decoder computes its logits inside the branches of an If node; the edit must
// reach them. A small model of that shape: x [1, s, 4] → If(cond) { LayerNorm → MatMul } → logits [1, s, 3].
const floats = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const node = (opType: string, inputs: string[], outputs: string[]): OnnxNode => ({
  name: outputs[0] as string,
  opType,
  domain: "",
  inputs,
  outputs,
  attributes: {},
});

function branch(name: string, shift: number): ProtoWriter {
  const graph = new ProtoWriter()
    .writeMessage(1, encodeNode(node("LayerNormalization", ["x", "scale", "bias"], [`${name}_normed`])))
    .writeMessage(1, encodeNode(node("MatMul", [`${name}_normed`, "w"], [`${name}_raw`])))
    .writeMessage(1, encodeNode(node("Add", [`${name}_raw`, `${name}_shift`], [`${name}_logits`])))
    .writeString(2, name)
    .writeMessage(5, encodeTensor({ name: `${name}_shift`, dataType: OnnxDataType.FLOAT, dims: [1], rawData: floats([shift]) }));
  return graph.writeMessage(12, encodeValueInfo({ name: `${name}_logits`, elemType: OnnxDataType.FLOAT, dims: [1, "s", 3] }));
}

function buildMergedModel(): Uint8Array {
  const graphAttribute = (name: string, graph: ProtoWriter) =>
    new ProtoWriter().writeString(1, name).writeMessage(6, graph).writeVarint(20, 5);
  const ifNode = new ProtoWriter()
    .writeString(1, "cond")
    .writeString(2, "logits")
    .writeString(3, "branches")
    .writeString(4, "If")
    .writeMessage(5, graphAttribute("then_branch", branch("then", 0)))
    .writeMessage(5, graphAttribute("else_branch", branch("else", 10)));
  const graph = new ProtoWriter()
    .writeMessage(1, ifNode)
    .writeString(2, "merged")
    .writeMessage(5, encodeTensor({ name: "scale", dataType: OnnxDataType.FLOAT, dims: [4], rawData: floats([1, 2, 1, 0.5]) }))
    .writeMessage(5, encodeTensor({ name: "bias", dataType: OnnxDataType.FLOAT, dims: [4], rawData: floats([0, 0.1, 0, -0.1]) }))
    .writeMessage(
      5,
      encodeTensor({ name: "w", dataType: OnnxDataType.FLOAT, dims: [4, 3], rawData: floats([1, 0, 2, 0, 1, -1, 3, 1, 0, -2, 0, 1]) }),
    )
    .writeMessage(11, encodeValueInfo({ name: "x", elemType: OnnxDataType.FLOAT, dims: [1, "s", 4] }))
    .writeMessage(11, encodeValueInfo({ name: "cond", elemType: OnnxDataType.BOOL, dims: [] }))
    .writeMessage(12, encodeValueInfo({ name: "logits", elemType: OnnxDataType.FLOAT, dims: [1, "s", 3] }));
  return new ProtoWriter()
    .writeVarint(1, 8)
    .writeMessage(7, graph)
    .writeMessage(8, new ProtoWriter().writeString(1, "").writeVarint(2, 17))
    .finish();
}

async function run(model: Uint8Array, cond: boolean, keep?: number): Promise<{ dims: readonly number[]; data: Float32Array }> {
  const session = await InferenceSession.create(model);
  const x = new Tensor(
    "float32",
    Float32Array.from({ length: 20 }, (_, i) => Math.sin(i)),
    [1, 5, 4],
  );
  const feeds: Record<string, Tensor> = { x, cond: new Tensor("bool", [cond], []) };
  if (keep !== undefined) feeds[LOGITS_TO_KEEP_INPUT] = new Tensor("int64", BigInt64Array.of(BigInt(keep)), [1]);
  const { logits } = await session.run(feeds);
  return { dims: logits!.dims, data: logits!.data as Float32Array };
}

describe("addLogitsToKeep", () => {
  it("slices the last layer norm inside both branches of Optimum's merged If", async () => {
    const original = buildMergedModel();
    const edit = addLogitsToKeep(original);
    expect(edit.graphs).toBe(2);
    for (const cond of [true, false]) {
      const before = await run(original, cond);
      const all = await run(edit.bytes, cond, 0);
      const last = await run(edit.bytes, cond, 1);
      expect(all).toEqual(before);
      expect(last.dims).toEqual([1, 1, 3]);
      expect(Array.from(last.data)).toEqual(Array.from(before.data.subarray(12, 15)));
    }
  });

  it("leaves a model without a layer norm, or one that already has the input, as it is", () => {
    const noNorm = new ProtoWriter()
      .writeVarint(1, 8)
      .writeMessage(7, new ProtoWriter().writeMessage(1, encodeNode(node("Relu", ["x"], ["logits"]))).writeString(2, "plain"))
      .finish();
    expect(addLogitsToKeep(noNorm)).toEqual({ bytes: noNorm, graphs: 0 });
    const edited = addLogitsToKeep(buildMergedModel()).bytes;
    expect(addLogitsToKeep(edited)).toEqual({ bytes: edited, graphs: 0 });
  });

  it("refuses bytes that are not an ONNX model", () => {
    expect(() => addLogitsToKeep(new TextEncoder().encode("not a model"))).toThrow();
  });
});
