import { getHeadDim, type Gpt2Config } from "./gpt2-config";
import { getPastNames, getPresentNames } from "./gpt2-onnx-names";
import type { Gpt2LayerWeights, LayerNormWeights } from "./gpt2-weights";
import { float, int, ints, type OnnxGraphBuilder } from "./onnx-graph";
import type { EmitLinear } from "./onnx-linear";

/** What every block shares: the graph, the mask, constants created once, and the projection emitter. */
export interface Gpt2BlockContext {
  graph: OnnxGraphBuilder;
  config: Gpt2Config;
  /** Bool [batch, 1, seq, total] from `addAttentionMask`. */
  allowed: string;
  emitLinear: EmitLinear;
  constants: Gpt2BlockConstants;
}

export interface Gpt2BlockConstants {
  splitHeads: string;
  mergeHeads: string;
  qkvSizes: string;
  attentionScale: string;
  maskedScore: string;
  geluCubic: string;
  geluScale: string;
  half: string;
  one: string;
}

/**
 * Adds the constant tensors the blocks share, once per graph.
 *
 * @example
 * const constants = addBlockConstants(graph, config);
 */
export function addBlockConstants(graph: OnnxGraphBuilder, config: Gpt2Config): Gpt2BlockConstants {
  const d = config.nEmbd;
  const headDim = getHeadDim(config);
  const scalar = (name: string, value: number) => graph.addFloatInitializer(`/transformer/const/${name}`, [], Float32Array.of(value));
  return {
    // Reshape's 0 copies the input dim, so batch and sequence stay symbolic.
    splitHeads: graph.addInt64Initializer("/transformer/const/split_heads", [4], [0, 0, config.nHead, headDim]),
    mergeHeads: graph.addInt64Initializer("/transformer/const/merge_heads", [3], [0, 0, d]),
    qkvSizes: graph.addInt64Initializer("/transformer/const/qkv_sizes", [3], [d, d, d]),
    attentionScale: scalar("attention_scale", Math.sqrt(headDim)),
    // float32's lowest, as transformers uses: a fully masked row (a padding query) softmaxes to uniform, not NaN.
    maskedScore: scalar("masked_score", -3.4028234663852886e38),
    geluCubic: scalar("gelu_cubic", 0.044715),
    geluScale: scalar("gelu_scale", Math.sqrt(2 / Math.PI)),
    half: scalar("half", 0.5),
    one: scalar("one", 1),
  };
}

/**
 * Adds one pre-LayerNorm transformer block (h = x + attn(ln_1(x)); out = h + mlp(ln_2(h)))
 * with its KV cache I/O, and returns the block output's name.
 *
 * @example
 * hidden = addGpt2Block(context, weights.layers[0]!, 0, hidden);
 */
export function addGpt2Block(context: Gpt2BlockContext, layer: Gpt2LayerWeights, index: number, input: string): string {
  const { graph, emitLinear } = context;
  const prefix = `transformer.h.${index}`;
  const normed = addLayerNorm(graph, input, layer.ln1, `${prefix}.ln_1`);
  const attention = addAttention(context, emitLinear(graph, normed, layer.attn, `${prefix}.attn.c_attn`), index);
  const afterAttention = graph.addOp("Add", `/${prefix}/attn_residual`, [
    input,
    emitLinear(graph, attention, layer.attnProj, `${prefix}.attn.c_proj`),
  ]);
  const expanded = emitLinear(graph, addLayerNorm(graph, afterAttention, layer.ln2, `${prefix}.ln_2`), layer.fc, `${prefix}.mlp.c_fc`);
  const activated = addGeluTanh(context, expanded, `/${prefix}.mlp/gelu`);
  return graph.addOp("Add", `/${prefix}/mlp_residual`, [
    afterAttention,
    emitLinear(graph, activated, layer.mlpProj, `${prefix}.mlp.c_proj`),
  ]);
}

/**
 * Adds a LayerNormalization (eps 1e-5, last axis) with HF-named gain/bias initializers.
 *
 * @example
 * const normed = addLayerNorm(graph, hidden, weights.lnF, "transformer.ln_f");
 */
export function addLayerNorm(graph: OnnxGraphBuilder, input: string, norm: LayerNormWeights, name: string): string {
  const gain = graph.addFloatInitializer(`${name}.weight`, [norm.gain.length], norm.gain);
  const bias = graph.addFloatInitializer(`${name}.bias`, [norm.bias.length], norm.bias);
  return graph.addOp("LayerNormalization", `/${name}/LayerNormalization`, [input, gain, bias], {
    axis: int(-1),
    epsilon: float(1e-5),
  });
}

/** Splits [batch, seq, 3d] into heads, appends k/v to the cache, attends, and merges back to [batch, seq, d]. */
function addAttention(context: Gpt2BlockContext, qkv: string, index: number): string {
  const { graph, constants } = context;
  const scope = `/transformer.h.${index}.attn`;
  const splits = graph.addNode("Split", `${scope}/split_qkv`, [qkv, constants.qkvSizes], {
    attributes: { axis: int(2) },
    outputs: ["q", "k", "v"].map((part) => `${scope}/${part}`),
  });
  const [query, key, value] = splits.map((part) => {
    const shaped = graph.addOp("Reshape", `${part}/split_heads`, [part, constants.splitHeads]);
    return graph.addOp("Transpose", `${part}/to_heads`, [shaped], { perm: ints([0, 2, 1, 3]) });
  }) as [string, string, string];

  const past = getPastNames(index);
  const present = getPresentNames(index);
  const [keys] = graph.addNode("Concat", `${scope}/present_key`, [past.key, key], { attributes: { axis: int(2) }, outputs: [present.key] });
  const [values] = graph.addNode("Concat", `${scope}/present_value`, [past.value, value], {
    attributes: { axis: int(2) },
    outputs: [present.value],
  });

  const keysT = graph.addOp("Transpose", `${scope}/keys_t`, [keys!], { perm: ints([0, 1, 3, 2]) });
  const scores = graph.addOp("MatMul", `${scope}/scores`, [query, keysT]);
  const scaled = graph.addOp("Div", `${scope}/scaled`, [scores, constants.attentionScale]);
  const masked = graph.addOp("Where", `${scope}/masked`, [context.allowed, scaled, constants.maskedScore]);
  const probs = graph.addOp("Softmax", `${scope}/softmax`, [masked], { axis: int(-1) });
  const perHead = graph.addOp("MatMul", `${scope}/context`, [probs, values!]);
  const merged = graph.addOp("Transpose", `${scope}/from_heads`, [perHead], { perm: ints([0, 2, 1, 3]) });
  return graph.addOp("Reshape", `${scope}/merge_heads`, [merged, constants.mergeHeads]);
}

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), GPT-2's "gelu_new". */
function addGeluTanh(context: Gpt2BlockContext, input: string, scope: string): string {
  const { graph, constants } = context;
  const square = graph.addOp("Mul", `${scope}/square`, [input, input]);
  const cube = graph.addOp("Mul", `${scope}/cube`, [square, input]);
  const cubicTerm = graph.addOp("Mul", `${scope}/cubic_term`, [cube, constants.geluCubic]);
  const inner = graph.addOp("Add", `${scope}/inner`, [input, cubicTerm]);
  const tanh = graph.addOp("Tanh", `${scope}/tanh`, [graph.addOp("Mul", `${scope}/scaled`, [inner, constants.geluScale])]);
  const gate = graph.addOp("Add", `${scope}/gate`, [tanh, constants.one]);
  const halfInput = graph.addOp("Mul", `${scope}/half_input`, [input, constants.half]);
  return graph.addOp("Mul", `${scope}/output`, [halfInput, gate]);
}
