/**
 * `npm run model:convert -- FILE [--out FILE.ort]`
 * Converts a GPT-2 ONNX decoder (Optimum's layout, ONNX Runtime's stacked
 * `past_i` layout, or one this project generated) into the ORT format the
 * edge loads with one copy of its weights. onnxruntime-node of the same
 * version as the Worker's onnxruntime-web optimizes the graph at the
 * `extended` level (fusions both builds run; no CPU-specific layouts) and
 * saves it. Before that the graph gets a `num_logits_to_keep` input
 * (keep-last-logits.ts), so generation computes one row of logits per chunk.
 * Default output: FILE with its extension replaced by `.ort`.
 */
import { createHash } from "node:crypto";
import { readFile, rename, rm } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { isOrtFormat } from "../../src/model/edge/model-format";
import type { InferenceSession as WebSession } from "../../src/model/edge/ort-types";
import { addLogitsToKeep } from "./keep-last-logits";
import { checkLogitsToKeep } from "./verify-logits-to-keep";

/** What a conversion wrote. */
export interface ConvertedModel {
  source: string;
  path: string;
  bytes: number;
  sha256: string;
  /** True when the source already was an ORT-format file, which is then used as it is. */
  alreadyOrt: boolean;
  /** Graphs given the `num_logits_to_keep` input (0: the LM head runs on every position). */
  logitsToKeepGraphs: number;
  /** Why the `num_logits_to_keep` edit was not kept, when it was made and failed its check. */
  logitsToKeepRefused?: string;
}

/**
 * The `.ort` path beside an ONNX file.
 *
 * @example
 * ortPathFor("models/Xenova/distilgpt2/decoder_model_merged.onnx"); // "models/Xenova/distilgpt2/decoder_model_merged.ort"
 */
export function ortPathFor(source: string): string {
  return source.replace(/(\.onnx)?$/, ".ort");
}

/**
 * Converts `source` to ORT format at `out` (written under a temporary name,
 * then renamed, so a cut conversion never passes for a model). A file that
 * is not a GPT-2 decoder with a KV cache is refused before anything is written.
 *
 * @example
 * const { path } = await convertModel("models/generated/tiny-gpt2/decoder_model_merged.onnx");
 */
export async function convertModel(source: string, out = ortPathFor(source)): Promise<ConvertedModel> {
  const sourceBytes = new Uint8Array(await readFile(source));
  if (isOrtFormat(sourceBytes)) return { source, path: source, alreadyOrt: true, logitsToKeepGraphs: 0, ...describeBytes(sourceBytes) };
  // Imported on demand: the native binding is a dev tool, never part of the Worker.
  const { InferenceSession } = await import("onnxruntime-node");
  const edit = addLogitsToKeep(sourceBytes);
  const refused =
    edit.graphs > 0
      ? await checkLogitsToKeep((await InferenceSession.create(edit.bytes, { logSeverityLevel: 4 })) as unknown as WebSession)
      : undefined;
  const chosen = refused === undefined ? edit : { bytes: sourceBytes, graphs: 0 };
  const partial = `${out}.part`;
  try {
    const session = await InferenceSession.create(chosen.bytes, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "extended",
      optimizedModelFilePath: partial,
      extra: { session: { save_model_format: "ORT" } },
    });
    checkDecoder(session.inputNames, session.outputNames);
    await session.release();
    const converted = new Uint8Array(await readFile(partial));
    if (!isOrtFormat(converted)) throw new Error(`onnxruntime-node did not write an ORT-format file to ${partial}`);
    await rename(partial, out);
    return {
      source,
      path: out,
      alreadyOrt: false,
      logitsToKeepGraphs: chosen.graphs,
      ...(refused !== undefined ? { logitsToKeepRefused: refused } : {}),
      ...describeBytes(converted),
    };
  } finally {
    await rm(partial, { force: true });
  }
}

function checkDecoder(inputs: readonly string[], outputs: readonly string[]): void {
  // Optimum's first-pass `decoder_model.onnx` has no past inputs but still returns the cache.
  const hasCache = outputs.some((name) => /^present\.\d+\.key$|^present_\d+$/.test(name));
  if (!inputs.includes("input_ids") || !hasCache || !outputs.includes("logits")) {
    throw new Error(`not a GPT-2 decoder with a KV cache (inputs: ${inputs.join(", ")}; outputs: ${outputs.join(", ")})`);
  }
}

/**
 * A file's size and SHA-256 (hex), as the model commands report them.
 *
 * @example
 * describeBytes(new Uint8Array([1, 2, 3])); // { bytes: 3, sha256: "039058c6…" }
 */
export function describeBytes(bytes: Uint8Array): { bytes: number; sha256: string } {
  return { bytes: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") };
}

const USAGE = "usage: npm run model:convert -- FILE.onnx [--out FILE.ort]";

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { out: { type: "string" } } });
  const source = positionals[0];
  if (!source) {
    console.error(USAGE);
    process.exit(2);
  }
  convertModel(source, values.out)
    .then((converted) => console.log(JSON.stringify(converted)))
    .catch((error: unknown) => {
      console.error(`model:convert failed: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    });
}
