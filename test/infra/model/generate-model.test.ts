import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGpt2Onnx } from "../../../infra/model/build-gpt2-onnx";
import { writeGeneratedModel } from "../../../infra/model/generate-model";
import { createGpt2Weights } from "../../../infra/model/gpt2-weights";
import { TINY_CONFIG } from "./gpt2-session";

const buildTiny = (seed: number) => buildGpt2Onnx(TINY_CONFIG, createGpt2Weights(TINY_CONFIG, seed));

describe("deterministic model generation", () => {
  it("gives byte-identical files for the same seed and different files for another", () => {
    const first = buildTiny(1);
    expect(Buffer.from(buildTiny(1)).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(buildTiny(2)).equals(Buffer.from(first))).toBe(false);
  });

  it("stays a few MB for the tiny preset", () => {
    const bytes = buildTiny(1).length;
    expect(bytes).toBeGreaterThan(6_000_000);
    expect(bytes).toBeLessThan(8_000_000);
  });
});

describe("writeGeneratedModel", () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), "tiny-gpt2-"));
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it("writes the model and an HF-style config, then reuses them for the same preset and seed", async () => {
    const written = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: join(outDir, "a") });
    expect(written.reused).toBe(false);
    expect(written.bytes).toBe((await readFile(written.modelPath)).length);
    const config: unknown = JSON.parse(await readFile(written.configPath, "utf8"));
    expect(config).toMatchObject({
      model_type: "gpt2",
      vocab_size: 50257,
      n_positions: 1024,
      n_embd: 32,
      n_layer: 2,
      n_head: 2,
      bos_token_id: 50256,
      eos_token_id: 50256,
      generated: true,
      seed: 1,
      model_files: { "decoder_model_merged.onnx": written.sha256 },
    });

    const modifiedAt = (await stat(written.modelPath)).mtimeMs;
    const again = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: join(outDir, "a") });
    expect(again).toMatchObject({ reused: true, sha256: written.sha256, bytes: written.bytes });
    expect((await stat(written.modelPath)).mtimeMs).toBe(modifiedAt);
  });

  it("writes identical bytes elsewhere for the same seed and regenerates for another", async () => {
    const first = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: join(outDir, "a") });
    const copy = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: join(outDir, "b") });
    expect(copy.reused).toBe(false);
    expect((await readFile(copy.modelPath)).equals(await readFile(first.modelPath))).toBe(true);

    const other = await writeGeneratedModel({ preset: "tiny", seed: 2, outDir: join(outDir, "a") });
    expect(other.reused).toBe(false);
    expect(other.sha256).not.toBe(first.sha256);
  });

  it("writes each quantized variant under transformers.js' name next to the others, and reuses each", async () => {
    const folder = join(outDir, "variants");
    const fp32 = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: folder });
    const int8 = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: folder, quantization: "int8" });
    const q4 = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: folder, quantization: "q4" });
    expect([fp32, int8, q4].map((model) => basename(model.modelPath))).toEqual([
      "decoder_model_merged.onnx",
      "decoder_model_merged_quantized.onnx",
      "decoder_model_merged_q4.onnx",
    ]);
    const config = JSON.parse(await readFile(join(folder, "config.json"), "utf8")) as { model_files: Record<string, string> };
    expect(config.model_files).toEqual({
      "decoder_model_merged.onnx": fp32.sha256,
      "decoder_model_merged_quantized.onnx": int8.sha256,
      "decoder_model_merged_q4.onnx": q4.sha256,
    });
    for (const quantization of ["fp32", "int8", "q4"] as const) {
      expect((await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: folder, quantization })).reused).toBe(true);
    }
  });
});
