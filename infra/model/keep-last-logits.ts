/**
 * Gives a GPT-2 ONNX graph a `num_logits_to_keep` input (int64 [1], as in
 * Hugging Face's `logits_to_keep`): the final layer norm's output is sliced to
 * its last k positions before the LM head, 0 keeping all. Generation needs one
 * row of logits per forward pass, not [chunk, 50257]: the LM head then costs
 * one position per chunk instead of every position, and its output shrinks
 * from megabytes to 200 KB. Graphs and subgraphs (the If branches of Optimum's
 * merged decoder) are edited at the byte level: untouched fields keep their
 * bytes, and the weights are copied once, when the new model is joined.
 */
import { readFields, readString, type ProtoField } from "./protobuf-reader";
import { ProtoWriter } from "./protobuf-writer";
import { encodeNode, encodeTensor, encodeValueInfo, OnnxDataType } from "./onnx-proto";

export const LOGITS_TO_KEEP_INPUT = "num_logits_to_keep";
const MODEL_GRAPH = 7;
const GRAPH = { node: 1, initializer: 5, input: 11 } as const;
const NODE = { input: 1, output: 2, opType: 4, attribute: 5 } as const;
const ATTRIBUTE = { graph: 6, graphs: 11 } as const;
const INT64_MAX = 9223372036854775807n;

/** What the edit did. */
export interface LogitsToKeepEdit {
  bytes: Uint8Array;
  /** How many graphs (the main graph and If branches) had their LM head input sliced; 0 leaves the model as it was. */
  graphs: number;
}

/**
 * Adds the `num_logits_to_keep` input to a ModelProto. A graph without a
 * LayerNormalization before its LM head (an older, decomposed export) is left
 * as it is, and so is a model that already has the input.
 *
 * @example
 * const { bytes, graphs } = addLogitsToKeep(await readFile("decoder_model_merged.onnx"));
 */
export function addLogitsToKeep(model: Uint8Array): LogitsToKeepEdit {
  const fields = readFields(model);
  const graphField = fields.find((field) => field.number === MODEL_GRAPH);
  if (!graphField) throw new Error("not an ONNX model: it has no graph");
  const graph = model.subarray(graphField.valueStart, graphField.end);
  const hasInput = readFields(graph)
    .filter((field) => field.number === GRAPH.input)
    .some((field) => readString(graph, readFields(graph, field.valueStart, field.end)[0] as ProtoField) === LOGITS_TO_KEEP_INPUT);
  if (hasInput) return { bytes: model, graphs: 0 };
  const counter = { graphs: 0 };
  const edited = editGraph(graph, counter);
  if (counter.graphs === 0) return { bytes: model, graphs: 0 };
  edited.writeMessage(GRAPH.input, encodeValueInfo({ name: LOGITS_TO_KEEP_INPUT, elemType: OnnxDataType.INT64, dims: [1] }));
  const out = new ProtoWriter();
  for (const field of fields) {
    if (field === graphField) out.writeMessage(MODEL_GRAPH, edited);
    else out.writeRaw(model.subarray(field.start, field.end));
  }
  return { bytes: out.finish(), graphs: counter.graphs };
}

/** Edits subgraphs first, then slices this graph's last LayerNormalization output; returns the GraphProto's fields. */
function editGraph(graph: Uint8Array, counter: { graphs: number }): ProtoWriter {
  const fields = readFields(graph);
  const pieces = fields.map((field) => (field.number === GRAPH.node ? editNodeSubgraphs(graph, field, counter) : rawField(graph, field)));
  const nodes = fields.map((field, index) => ({ field, index })).filter(({ field }) => field.number === GRAPH.node);
  const norm = nodes.filter(({ field }) => opTypeOf(graph, field) === "LayerNormalization").at(-1);
  const out = new ProtoWriter();
  if (!norm) return pieces.reduce((writer, piece) => writer.writeRaw(piece), out);
  const normed = stringsOf(graph, norm.field, NODE.output)[0] as string;
  const id = counter.graphs++;
  const kept = `${normed}/kept_${id}`;
  const names = { start: `zsr_logits_start_${id}`, end: `zsr_logits_end_${id}`, axes: `zsr_logits_axes_${id}` };
  // Every later consumer of the normed state reads the sliced one instead.
  for (const { field, index } of nodes) {
    if (index > norm.index && stringsOf(graph, field, NODE.input).includes(normed)) {
      pieces[index] = renameInputs((pieces[index] as ProtoWriter).finish(), normed, kept);
    }
  }
  const neg = { name: names.start, opType: "Neg", domain: "", inputs: [LOGITS_TO_KEEP_INPUT], outputs: [names.start], attributes: {} };
  const slice = {
    name: kept,
    opType: "Slice",
    domain: "",
    inputs: [normed, names.start, names.end, names.axes],
    outputs: [kept],
    attributes: {},
  };
  (pieces[norm.index] as ProtoWriter).writeMessage(GRAPH.node, encodeNode(neg)).writeMessage(GRAPH.node, encodeNode(slice));
  const int64 = (value: bigint) => new Uint8Array(BigInt64Array.of(value).buffer);
  return (
    pieces
      .reduce((writer, piece) => writer.writeRaw(piece), out)
      .writeMessage(
        GRAPH.initializer,
        encodeTensor({ name: names.end, dataType: OnnxDataType.INT64, dims: [1], rawData: int64(INT64_MAX) }),
      )
      // The sequence axis, counted from the end: [batch, seq, hidden] and a flattened [rows, hidden] alike.
      .writeMessage(GRAPH.initializer, encodeTensor({ name: names.axes, dataType: OnnxDataType.INT64, dims: [1], rawData: int64(-2n) }))
  );
}

/** A node field, its subgraph attributes edited (If branches, loop bodies). */
function editNodeSubgraphs(graph: Uint8Array, node: ProtoField, counter: { graphs: number }): ProtoWriter {
  const fields = readFields(graph, node.valueStart, node.end);
  if (!fields.some((field) => field.number === NODE.attribute && hasSubgraph(graph, field))) return rawField(graph, node);
  const body = new ProtoWriter();
  for (const field of fields) {
    if (field.number !== NODE.attribute || !hasSubgraph(graph, field)) {
      body.writeRaw(graph.subarray(field.start, field.end));
      continue;
    }
    const attribute = new ProtoWriter();
    for (const part of readFields(graph, field.valueStart, field.end)) {
      if (part.number === ATTRIBUTE.graph || part.number === ATTRIBUTE.graphs) {
        attribute.writeMessage(part.number, editGraph(graph.subarray(part.valueStart, part.end), counter));
      } else {
        attribute.writeRaw(graph.subarray(part.start, part.end));
      }
    }
    body.writeMessage(NODE.attribute, attribute);
  }
  return new ProtoWriter().writeMessage(GRAPH.node, body);
}

function hasSubgraph(bytes: Uint8Array, attribute: ProtoField): boolean {
  return readFields(bytes, attribute.valueStart, attribute.end).some(
    (part) => part.number === ATTRIBUTE.graph || part.number === ATTRIBUTE.graphs,
  );
}

/** `nodeField` is one whole NodeProto field (tag included). */
function renameInputs(nodeField: Uint8Array, from: string, to: string): ProtoWriter {
  const [outer] = readFields(nodeField) as [ProtoField];
  const body = new ProtoWriter();
  for (const field of readFields(nodeField, outer.valueStart, outer.end)) {
    if (field.number === NODE.input && readString(nodeField, field) === from) body.writeString(NODE.input, to);
    else body.writeRaw(nodeField.subarray(field.start, field.end));
  }
  return new ProtoWriter().writeMessage(GRAPH.node, body);
}

function rawField(bytes: Uint8Array, field: ProtoField): ProtoWriter {
  return new ProtoWriter().writeRaw(bytes.subarray(field.start, field.end));
}

function opTypeOf(graph: Uint8Array, node: ProtoField): string {
  const field = readFields(graph, node.valueStart, node.end).find((part) => part.number === NODE.opType);
  return field ? readString(graph, field) : "";
}

function stringsOf(graph: Uint8Array, node: ProtoField, number: number): string[] {
  return readFields(graph, node.valueStart, node.end)
    .filter((part) => part.number === number)
    .map((part) => readString(graph, part));
}
