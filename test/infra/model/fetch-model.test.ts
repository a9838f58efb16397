import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isOrtFormat } from "../../../src/model/edge/model-format";
import { writeGeneratedModel } from "../../../infra/model/write-generated-model";

const run = promisify(execFile);
const script = resolve("infra/model/fetch-model.ts");
const tsx = resolve("node_modules/.bin/tsx");
let model: Buffer;
let sha: string;
let hub: Server;
let hubUrl: string;

// A local stand-in for the hub's /{repo}/resolve/{revision}/{path} endpoint.
beforeAll(async () => {
  const generated = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: "node_modules/.cache/zeroshot-router/tiny-gpt2-seed1" });
  model = await readFile(generated.modelPath);
  sha = createHash("sha256").update(model).digest("hex");
  hub = createServer((request, response) => {
    if (request.url === "/acme/gpt/resolve/main/onnx/decoder_model_merged_quantized.onnx") {
      response.writeHead(200, { "content-length": model.length, "x-linked-etag": `"${sha}"` }).end(model);
    } else if (request.url === "/acme/bad/resolve/main/onnx/decoder_model_merged_quantized.onnx") {
      response.writeHead(200, { "x-linked-etag": `"${"0".repeat(64)}"` }).end(model);
    } else if (request.url?.endsWith("/config.json")) {
      response.writeHead(200).end('{"model_type":"gpt2"}');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => hub.listen(0, "127.0.0.1", done));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => hub.close(() => done())));

async function fetchModel(repo: string, endpoint: string) {
  const cwd = await mkdtemp(join(tmpdir(), "fetch-model-"));
  try {
    const { stdout } = await run(tsx, [script, repo], { cwd, env: { ...process.env, HF_ENDPOINT: endpoint } });
    return { cwd, code: 0, stdout, stderr: "" };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { cwd, code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("npm run model:fetch", () => {
  // Converting to the ORT format takes most of a minute when the suite loads both cores.
  it("downloads the decoder and config and checks the SHA-256", async () => {
    const result = await fetchModel("acme/gpt", hubUrl);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ repo: "acme/gpt", sha256: sha });
    expect(await readFile(join(result.cwd, "models/acme/gpt/decoder_model_merged.onnx"))).toEqual(model);
    expect(await readFile(join(result.cwd, "models/acme/gpt/config.json"), "utf8")).toContain("gpt2");
    // ... and leaves the edge-ready ORT form beside it.
    expect(JSON.parse(result.stdout).edge_ready).toBe("models/acme/gpt/decoder_model_merged.ort");
    expect(isOrtFormat(await readFile(join(result.cwd, "models/acme/gpt/decoder_model_merged.ort")))).toBe(true);
  }, 180_000);

  it("refuses a file whose checksum does not match", async () => {
    const result = await fetchModel("acme/bad", hubUrl);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("checksum mismatch");
  });

  it("says clearly when the hub cannot be reached", async () => {
    const result = await fetchModel("acme/gpt", "http://127.0.0.1:9");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
