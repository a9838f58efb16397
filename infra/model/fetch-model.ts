/**
 * `npm run model:fetch -- [repo] [--file onnx/decoder_model_merged_quantized.onnx]`
 * Downloads a GPT-2-family ONNX decoder and its config.json from the Hugging
 * Face hub into models/<repo>/, with a progress bar, and checks the file's
 * SHA-256 against the hub's LFS id (the `x-linked-etag` header).
 * Then converts the decoder to the edge-ready ORT format beside it
 * (decoder_model_merged.ort, see model:convert).
 * Default: Xenova/distilgpt2, int8-quantized merged decoder.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { convertModel } from "./convert-model";

const HUB = process.env.HF_ENDPOINT ?? "https://huggingface.co";
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { file: { type: "string", default: "onnx/decoder_model_merged_quantized.onnx" }, revision: { type: "string", default: "main" } },
});
const repo = positionals[0] ?? "Xenova/distilgpt2";
const outDir = join("models", repo);

async function download(path: string, target: string): Promise<string> {
  const url = `${HUB}/${repo}/resolve/${values.revision}/${path}`;
  let response: Response;
  try {
    response = await fetch(url, { redirect: "follow" });
  } catch (error) {
    throw new Error(
      `cannot reach ${HUB} (${(error as Error).cause ?? (error as Error).message}); ` +
        "this machine may have no route to the Hugging Face hub: download the files elsewhere into " +
        outDir,
    );
  }
  if (!response.ok || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const expected = (response.headers.get("x-linked-etag") ?? "").replaceAll('"', "");
  const total = Number(response.headers.get("content-length") ?? 0);
  const hash = createHash("sha256");
  await mkdir(dirname(target), { recursive: true });
  // Streamed to a .part file: a model can be hundreds of MB, and a cut
  // download must never be mistaken for a model.
  const file = createWriteStream(`${target}.part`);
  let received = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    if (!file.write(chunk)) await once(file, "drain");
    received += chunk.byteLength;
    drawProgress(path, received, total);
  }
  file.end();
  await once(file, "finish");
  process.stderr.write("\n");
  const digest = hash.digest("hex");
  if (/^[0-9a-f]{64}$/.test(expected) && expected !== digest) {
    await rm(`${target}.part`);
    throw new Error(`${path}: checksum mismatch (expected ${expected}, got ${digest})`);
  }
  await rename(`${target}.part`, target);
  return digest;
}

function drawProgress(label: string, received: number, total: number): void {
  const width = 30;
  const share = total > 0 ? Math.min(1, received / total) : 0;
  const bar = "#".repeat(Math.round(share * width)).padEnd(width, ".");
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  process.stderr.write(`\r${label} [${bar}] ${mb(received)}/${total ? mb(total) : "?"} MB`);
}

try {
  const modelPath = join(outDir, "decoder_model_merged.onnx");
  const sha256 = await download(values.file, modelPath);
  await download("config.json", join(outDir, "config.json"));
  const edgeReady = await convertModel(modelPath);
  console.log(
    JSON.stringify({ repo, file: values.file, path: modelPath, sha256, edge_ready: edgeReady.path, edge_ready_sha256: edgeReady.sha256 }),
  );
} catch (error) {
  console.error(`model:fetch failed: ${(error as Error).message}`);
  process.exit(1);
}
