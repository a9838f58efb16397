import {
  encodeOnnxModel,
  OnnxDataType,
  type OnnxAttribute,
  type OnnxDataTypeCode,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from "./onnx-proto";

/** Opset 17 is the first with LayerNormalization; IR 8 is what ORT 1.14+ and every ORT-web build read. */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export interface AddNodeOptions {
  attributes?: Record<string, OnnxAttribute>;
  /** Explicit output names (graph outputs such as "logits"); otherwise `${name}_output_${i}`. */
  outputs?: readonly string[];
  domain?: string;
}

/** Attribute helpers, so call sites read `{ axis: int(-1) }`. */
export const int = (value: number): OnnxAttribute => ({ kind: "int", value });
export const float = (value: number): OnnxAttribute => ({ kind: "float", value });
export const ints = (value: readonly number[]): OnnxAttribute => ({ kind: "ints", value });

/**
 * Collects nodes, initializers and graph inputs/outputs in insertion order
 * (so the file is deterministic) and rejects duplicate node or tensor names,
 * which ORT would otherwise report far from their cause.
 *
 * @example
 * const graph = new OnnxGraphBuilder("demo");
 * graph.addInput("x", OnnxDataType.FLOAT, ["batch_size", 4]);
 * const [y] = graph.addNode("Relu", "/relu", ["x"], { outputs: ["y"] });
 * graph.addOutput(y!, OnnxDataType.FLOAT, ["batch_size", 4]);
 * const bytes = graph.serialize({ producerName: "zeroshot-router", metadata: {} });
 */
export class OnnxGraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly names = new Set<string>();
  private readonly domains = new Set<string>();

  constructor(private readonly graphName: string) {}

  addInput(name: string, elemType: OnnxDataTypeCode, dims: readonly (number | string)[]): string {
    this.claim(name);
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  /** Declares an existing value (a node output) as a graph output. */
  addOutput(name: string, elemType: OnnxDataTypeCode, dims: readonly (number | string)[]): void {
    this.outputs.push({ name, elemType, dims });
  }

  addNode(opType: string, name: string, inputs: readonly string[], options: AddNodeOptions = {}): string[] {
    this.claim(`node:${name}`);
    const outputs = options.outputs ?? [`${name}_output_0`];
    for (const output of outputs) this.claim(output);
    const domain = options.domain ?? "";
    if (domain !== "") this.domains.add(domain);
    this.nodes.push({ name, opType, domain, inputs, outputs, attributes: options.attributes ?? {} });
    return [...outputs];
  }

  /** Single-output shorthand for `addNode`. */
  addOp(opType: string, name: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}): string {
    return this.addNode(opType, name, inputs, { attributes })[0]!;
  }

  addFloatInitializer(name: string, dims: readonly number[], values: Float32Array): string {
    return this.addInitializer(name, OnnxDataType.FLOAT, dims, toLittleEndianBytes(values));
  }

  addInt64Initializer(name: string, dims: readonly number[], values: readonly number[]): string {
    return this.addInitializer(name, OnnxDataType.INT64, dims, toLittleEndianBytes(BigInt64Array.from(values, BigInt)));
  }

  /** Raw initializer for callers with pre-packed data (e.g. quantized weights). */
  addInitializer(name: string, dataType: OnnxDataTypeCode, dims: readonly number[], rawData: Uint8Array): string {
    this.claim(name);
    this.initializers.push({ name, dataType, dims, rawData });
    return name;
  }

  serialize(options: { producerName: string; metadata: Record<string, string> }): Uint8Array {
    const customOpsets = [...this.domains].sort().map((domain) => ({ domain, version: 1 }));
    return encodeOnnxModel({
      irVersion: ONNX_IR_VERSION,
      opsetImports: [{ domain: "", version: ONNX_OPSET }, ...customOpsets],
      producerName: options.producerName,
      graphName: this.graphName,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
      metadata: options.metadata,
    });
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`duplicate ONNX name ${name}`);
    this.names.add(name);
  }
}

const isLittleEndianHost = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function toLittleEndianBytes(values: Float32Array | BigInt64Array): Uint8Array {
  // ONNX raw_data is little-endian; a typed array's bytes are host order.
  if (!isLittleEndianHost) throw new Error("writing ONNX raw_data needs a little-endian host");
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
