import type { InferenceSession } from "./ort-types";

/** Integer type the model takes for ids, mask and positions. */
export type IdType = "int64" | "int32";

/**
 * How a GPT-2 ONNX graph names and shapes its cache, read from the session:
 * - `optimum`: Hugging Face Optimum / transformers.js, `past_key_values.{i}.key|value`
 *   → `present.{i}.key|value`, each [batch, heads, seq, head_dim];
 * - `stacked`: ONNX Runtime's GPT-2 converter, `past_{i}` → `present_{i}` with key
 *   and value stacked in one [2, batch, heads, seq, head_dim] tensor.
 */
export interface ModelLayout {
  kind: "optimum" | "stacked";
  idType: IdType;
  layers: number;
  heads: number;
  headDim: number;
  /** Rows of the logits (the last axis of `logits`; GPT-2's 50257 when the graph leaves it symbolic). */
  vocabSize: number;
  hasPositionIds: boolean;
  hasAttentionMask: boolean;
  /** Optimum's merged decoder selects its with-past branch with this boolean input. */
  hasUseCacheBranch: boolean;
  /** `num_logits_to_keep` (added by `npm run model:convert`): the LM head runs on the last k positions only. */
  hasLogitsToKeep: boolean;
  /** Past input names per layer: [key, value] for optimum, [stacked] for stacked. */
  pastInputs: string[][];
  /** Present output names, aligned with `pastInputs`. */
  presentOutputs: string[][];
}

const GPT2_VOCAB_ROWS = 50257;
const OPTIMUM_PAST = /^past_key_values\.(\d+)\.key$/;
const STACKED_PAST = /^past_(\d+)$/;

/**
 * Reads the layout from a session's input and output names and metadata, so
 * no model is assumed; a graph that is neither layout is refused with a
 * message naming its inputs.
 *
 * @example
 * const layout = describeLayout(session); // { kind: "optimum", layers: 6, heads: 12, headDim: 64, ... }
 */
export function describeLayout(session: InferenceSession): ModelLayout {
  const names = session.inputNames;
  const optimumLayers = collectLayers(names, OPTIMUM_PAST);
  const stackedLayers = collectLayers(names, STACKED_PAST);
  if (!names.includes("input_ids") || (optimumLayers.length === 0 && stackedLayers.length === 0)) {
    throw new Error(`not a GPT-2 decoder with a KV cache (inputs: ${names.join(", ")})`);
  }
  const kind = optimumLayers.length > 0 ? "optimum" : "stacked";
  const layers = kind === "optimum" ? optimumLayers : stackedLayers;
  const pastInputs = layers.map((i) => (kind === "optimum" ? [`past_key_values.${i}.key`, `past_key_values.${i}.value`] : [`past_${i}`]));
  const presentOutputs = layers.map((i) => (kind === "optimum" ? [`present.${i}.key`, `present.${i}.value`] : [`present_${i}`]));
  for (const name of presentOutputs.flat().concat("logits")) {
    if (!session.outputNames.includes(name)) throw new Error(`model output '${name}' is missing`);
  }
  const pastShape = readShape(session, pastInputs[0]?.[0] as string);
  // optimum: [batch, heads, seq, head_dim]; stacked: [2, batch, heads, seq, head_dim]
  const heads = pastShape.at(-3);
  const headDim = pastShape.at(-1);
  if (typeof heads !== "number" || typeof headDim !== "number") {
    throw new Error(`cannot read heads and head size from ${pastInputs[0]?.[0]} shape [${pastShape.join(", ")}]`);
  }
  return {
    kind,
    idType: readIdType(session),
    layers: layers.length,
    heads,
    headDim,
    vocabSize: readVocabSize(session),
    hasPositionIds: names.includes("position_ids"),
    hasAttentionMask: names.includes("attention_mask"),
    hasUseCacheBranch: names.includes("use_cache_branch"),
    hasLogitsToKeep: names.includes("num_logits_to_keep"),
    pastInputs,
    presentOutputs,
  };
}

function collectLayers(names: readonly string[], pattern: RegExp): number[] {
  const layers = names.flatMap((name) => {
    const match = pattern.exec(name);
    return match ? [Number(match[1])] : [];
  });
  return layers.sort((a, b) => a - b);
}

function metadataOf(session: InferenceSession, name: string): InferenceSession.ValueMetadata | undefined {
  const index = session.inputNames.indexOf(name);
  return session.inputMetadata[index];
}

function readShape(session: InferenceSession, name: string): ReadonlyArray<number | string> {
  const metadata = metadataOf(session, name);
  if (!metadata?.isTensor) throw new Error(`model input '${name}' is not a tensor`);
  return metadata.shape;
}

function readVocabSize(session: InferenceSession): number {
  const metadata = session.outputMetadata[session.outputNames.indexOf("logits")];
  const vocab = metadata?.isTensor ? metadata.shape.at(-1) : undefined;
  return typeof vocab === "number" ? vocab : GPT2_VOCAB_ROWS;
}

function readIdType(session: InferenceSession): IdType {
  const metadata = metadataOf(session, "input_ids");
  if (metadata?.isTensor && metadata.type === "int32") return "int32";
  return "int64";
}

/**
 * Bytes one token adds to the KV cache (float32 keys and values of every
 * layer), the unit the edge memory plan counts in.
 *
 * @example
 * kvBytesPerToken(describeLayout(session)); // 36864 for distilgpt2 (6 layers, 12 heads of 64)
 */
export function kvBytesPerToken(layout: ModelLayout): number {
  return layout.layers * 2 * layout.heads * layout.headDim * 4;
}
