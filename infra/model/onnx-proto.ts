import { ProtoWriter } from "./protobuf-writer";

// Field numbers below are from onnx/onnx.proto (stable since IR version 3).

/** TensorProto.DataType values this project writes (UINT8/INT8 for quantized weight initializers). */
export const OnnxDataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT64: 7, BOOL: 9 } as const;
export type OnnxDataTypeCode = (typeof OnnxDataType)[keyof typeof OnnxDataType];

export type OnnxAttribute = { kind: "int"; value: number } | { kind: "float"; value: number } | { kind: "ints"; value: readonly number[] };

export interface OnnxNode {
  name: string;
  opType: string;
  /** "" is the standard ONNX domain; e.g. "com.microsoft" for MatMulNBits. */
  domain: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Readonly<Record<string, OnnxAttribute>>;
}

/** A constant tensor; `rawData` is little-endian, as ONNX's raw_data requires. */
export interface OnnxTensor {
  name: string;
  dataType: OnnxDataTypeCode;
  dims: readonly number[];
  rawData: Uint8Array;
}

/** A graph input or output: element type plus dims, each fixed (number) or symbolic (string). */
export interface OnnxValueInfo {
  name: string;
  elemType: OnnxDataTypeCode;
  dims: readonly (number | string)[];
}

export interface OnnxModel {
  irVersion: number;
  opsetImports: readonly { domain: string; version: number }[];
  producerName: string;
  graphName: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  metadata: Readonly<Record<string, string>>;
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, ints: 7 } as const;

/**
 * Serializes a model to ONNX ModelProto bytes; the same model value always
 * gives the same bytes (fields and repeated entries in a fixed order).
 *
 * @example
 * const bytes = encodeOnnxModel(graphBuilder.toModel({ producerName: "zeroshot-router", metadata: {} }));
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const graph = new ProtoWriter();
  for (const node of model.nodes) graph.writeMessage(1, encodeNode(node));
  graph.writeString(2, model.graphName);
  for (const tensor of model.initializers) graph.writeMessage(5, encodeTensor(tensor));
  for (const input of model.inputs) graph.writeMessage(11, encodeValueInfo(input));
  for (const output of model.outputs) graph.writeMessage(12, encodeValueInfo(output));

  const proto = new ProtoWriter().writeVarint(1, model.irVersion).writeString(2, model.producerName).writeMessage(7, graph);
  for (const { domain, version } of model.opsetImports) {
    proto.writeMessage(8, new ProtoWriter().writeString(1, domain).writeVarint(2, version));
  }
  for (const [key, value] of Object.entries(model.metadata)) {
    proto.writeMessage(14, new ProtoWriter().writeString(1, key).writeString(2, value));
  }
  return proto.finish();
}

/**
 * One NodeProto, for a graph written here or spliced into an existing one.
 *
 * @example
 * graph.writeMessage(1, encodeNode({ name: "neg", opType: "Neg", domain: "", inputs: ["k"], outputs: ["minus_k"], attributes: {} }));
 */
export function encodeNode(node: OnnxNode): ProtoWriter {
  const proto = new ProtoWriter();
  for (const input of node.inputs) proto.writeString(1, input);
  for (const output of node.outputs) proto.writeString(2, output);
  proto.writeString(3, node.name).writeString(4, node.opType);
  for (const [name, attribute] of Object.entries(node.attributes)) proto.writeMessage(5, encodeAttribute(name, attribute));
  if (node.domain !== "") proto.writeString(7, node.domain);
  return proto;
}

function encodeAttribute(name: string, attribute: OnnxAttribute): ProtoWriter {
  const proto = new ProtoWriter().writeString(1, name);
  if (attribute.kind === "float") proto.writeFloat(2, attribute.value);
  else if (attribute.kind === "int") proto.writeVarint(3, attribute.value);
  else proto.writePackedVarints(8, attribute.value);
  return proto.writeVarint(20, ATTRIBUTE_TYPE[attribute.kind]);
}

/**
 * One TensorProto (initializer).
 *
 * @example
 * graph.writeMessage(5, encodeTensor({ name: "axes", dataType: OnnxDataType.INT64, dims: [1], rawData }));
 */
export function encodeTensor(tensor: OnnxTensor): ProtoWriter {
  return new ProtoWriter()
    .writePackedVarints(1, tensor.dims)
    .writeVarint(2, tensor.dataType)
    .writeString(8, tensor.name)
    .writeBytes(9, tensor.rawData);
}

/**
 * One ValueInfoProto (graph input or output) with a tensor type.
 *
 * @example
 * graph.writeMessage(11, encodeValueInfo({ name: "input_ids", elemType: OnnxDataType.INT64, dims: ["batch", "sequence"] }));
 */
export function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of info.dims) {
    const dimension = new ProtoWriter();
    if (typeof dim === "number") dimension.writeVarint(1, dim);
    else dimension.writeString(2, dim);
    shape.writeMessage(1, dimension);
  }
  const tensorType = new ProtoWriter().writeVarint(1, info.elemType).writeMessage(2, shape);
  return new ProtoWriter().writeString(1, info.name).writeMessage(2, new ProtoWriter().writeMessage(1, tensorType));
}
