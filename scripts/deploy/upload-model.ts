/**
 * Step 2 of `npm run deploy`: the edge model, in the edge-ready ORT format,
 * into the environment's MODELS bucket under EDGE_MODEL_KEY. Its SHA-256
 * rides beside it as the object `{key}.sha256` (written as `sha256sum`
 * prints: `<hex>  <name>`), since `wrangler r2 object put` cannot set custom
 * metadata; the upload is skipped when the stored digest equals the local one.
 * The model goes up before its checksum, so a cut upload is redone next time.
 */
import { existsSync, statSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { basename } from "node:path";
import { convertModel, describeBytes, ortPathFor } from "../../infra/model/convert-model";
import { isOrtFormat } from "../../src/model/edge/model-format";
import { type DeployContext, DeployError, logResult, runWrangler } from "./deploy-context";
import { parseChecksum } from "./wrangler-output";

/** What `npm run model:fetch` leaves: distilgpt2's int8 decoder, converted to ORT. */
export const DEFAULT_MODEL_PATH = "models/Xenova/distilgpt2/decoder_model_merged.ort";
/** `wrangler r2 object put` refuses larger files. */
export const MAX_UPLOAD_BYTES = 300 * 1024 * 1024;

/** The file to upload; `sha256` is unknown only in a dry run that would have converted it first. */
export interface EdgeModelFile {
  path: string;
  bytes?: number;
  sha256?: string;
}

/**
 * The edge-ready file for `path`: an ORT model as it is; for an ONNX one,
 * the `.ort` beside it when it is newer (conversion is not byte-for-byte
 * repeatable, so converting on every run would upload on every run), else a
 * fresh conversion (`npm run model:convert`; a dry run only says so). A
 * missing or oversized file stops a real run; a dry run notes it and goes on.
 *
 * @example
 * const file = await prepareModelFile(ctx, "models/Xenova/distilgpt2/decoder_model_merged.ort");
 */
export async function prepareModelFile(ctx: DeployContext, path: string): Promise<EdgeModelFile> {
  const stop = (message: string): EdgeModelFile => {
    if (!ctx.dryRun) throw new DeployError(message);
    logResult(ctx, `${message} (a real run stops here)`);
    return { path };
  };
  if (!existsSync(path)) {
    return stop(`no edge model at ${path}: run \`npm run model:fetch\` (distilgpt2, converted to .ort) or pass --model FILE`);
  }
  if (await isOrtFile(path)) return checkSize(ctx, { path, ...describeBytes(new Uint8Array(await readFile(path))) }, stop);
  const ort = ortPathFor(path);
  if (existsSync(ort) && statSync(ort).mtimeMs >= statSync(path).mtimeMs) {
    const converted = new Uint8Array(await readFile(ort));
    if (isOrtFormat(converted)) {
      logResult(ctx, `${path} is ONNX: taking ${ort}, converted from it earlier`);
      return checkSize(ctx, { path: ort, ...describeBytes(converted) }, stop);
    }
  }
  if (ctx.dryRun) {
    logResult(ctx, `${path} is ONNX: a real run first converts it to ${ort} (npm run model:convert)`);
    return { path: ort };
  }
  logResult(ctx, `${path} is ONNX: converting it to the edge-ready ORT format`);
  const converted = await convertModel(path, ort);
  return checkSize(ctx, { path: converted.path, bytes: converted.bytes, sha256: converted.sha256 }, stop);
}

/**
 * Uploads `file` to `bucket/key` with its checksum unless the checksum stored
 * there already matches; returns what it changed.
 *
 * @example
 * await uploadModel(ctx, { bucket: "zeroshot-models", key: "edge/decoder_model_merged.ort" }, file); // [] when unchanged
 */
export async function uploadModel(ctx: DeployContext, target: { bucket: string; key: string }, file: EdgeModelFile): Promise<string[]> {
  const objectPath = `${target.bucket}/${target.key}`;
  const stored = await runWrangler(ctx, ["r2", "object", "get", `${objectPath}.sha256`, "--remote", "--pipe"], {
    note: "the checksum stored beside the model",
    accept: ["object-not-found"],
  });
  if (stored) {
    const remote = stored.code === 0 ? parseChecksum(stored.stdout) : undefined;
    if (remote !== undefined && remote === file.sha256) {
      logResult(ctx, `${objectPath}: unchanged (sha256 ${remote})`);
      return [];
    }
    logResult(
      ctx,
      remote ? `${objectPath}: stored sha256 ${remote} differs from the local ${file.sha256}` : `${objectPath}: no checksum stored`,
    );
  }
  const when = ctx.dryRun ? "when the stored checksum differs or is absent" : undefined;
  await runWrangler(
    ctx,
    ["r2", "object", "put", objectPath, "--remote", "--file", file.path, "--content-type", "application/octet-stream"],
    { note: when, echo: true },
  );
  const line = `${file.sha256 ?? "<sha256 of the file>"}  ${basename(target.key)}`;
  await runWrangler(ctx, ["r2", "object", "put", `${objectPath}.sha256`, "--remote", "--pipe", "--content-type", "text/plain"], {
    stdin: `${line}\n`,
    stdinLabel: `'${line}'`,
    note: ctx.dryRun ? "after the model" : undefined,
  });
  if (!ctx.dryRun) logResult(ctx, `${objectPath}: uploaded (${file.bytes} bytes, sha256 ${file.sha256})`);
  return ctx.dryRun ? [] : [`model ${objectPath}`];
}

/** Whether the file is ORT format, from its first bytes: an ONNX model can be hundreds of MB and is converted from its path. */
async function isOrtFile(path: string): Promise<boolean> {
  const file = await open(path);
  try {
    const head = new Uint8Array(16);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return isOrtFormat(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

function checkSize(ctx: DeployContext, file: EdgeModelFile, stop: (message: string) => EdgeModelFile): EdgeModelFile {
  if ((file.bytes ?? 0) > MAX_UPLOAD_BYTES) {
    return stop(`${file.path} is ${file.bytes} bytes, over the ${MAX_UPLOAD_BYTES} bytes \`wrangler r2 object put\` uploads`);
  }
  logResult(ctx, `local model ${file.path}: ${file.bytes} bytes, sha256 ${file.sha256}`);
  return file;
}
