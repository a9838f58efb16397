import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import { createSession } from "#ort";
import { convertModel, ortPathFor } from "../../../infra/model/convert-model";
import { writeGeneratedModel } from "../../../infra/model/write-generated-model";
import { generateIds } from "../../../src/model/edge/generate-ids";
import { createGpt2Runner, type Gpt2Runner } from "../../../src/model/edge/gpt2-runner";
import { isOrtFormat } from "../../../src/model/edge/model-format";
import type { InferenceSession } from "../../../src/model/edge/ort-types";
import { FIXTURE_EOS, FIXTURE_GREEDY } from "../../support/fixture-greedy";

// model:convert's ORT files, loaded with their initializers pointing into the kept model bytes
// (the patched glue), must compute exactly what the ordinary loading path computes.
const FIXTURE = new URL("../../fixtures/tiny-random-gpt2-ort/past.onnx", import.meta.url).pathname;
const PROMPT = [464, 3290, 318, 257, 1310, 286, 262, 3504, 13, 383, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13, 50256];
const decode = (ids: readonly number[]) => ids.join(" ");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "convert-model-"));
});

/** Every position's logits of one prompt fed in chunks of 8, as one array. */
async function logitsOf(runner: Gpt2Runner, ids: readonly number[]): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  await runner.feed(ids, undefined, (_, logits) => rows.push(logits.slice()));
  return rows;
}

function argmax(row: Float32Array): number {
  return row.reduce((best, value, id) => (value > (row[best] as number) ? id : best), 0);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((most, value, id) => Math.max(most, Math.abs(value - (b[id] as number))), 0);
}

/** The ordinary path: ORT copies each initializer out of the model bytes, which are then freed. */
async function openCopying(bytes: Uint8Array): Promise<InferenceSession> {
  ort.env.wasm.numThreads = 1;
  return ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "disabled" });
}

describe("npm run model:convert", () => {
  it.each(["fp32", "int8", "q4"] as const)(
    "converts the generated %s model to ORT format with identical outputs",
    async (quantization) => {
      // The generated files are shared with the workers project's setup; the conversion goes elsewhere.
      const generated = await writeGeneratedModel({
        preset: "tiny",
        seed: 1,
        outDir: "node_modules/.cache/zeroshot-router/tiny-gpt2-seed1",
        quantization,
      });
      const converted = await convertModel(generated.modelPath, join(dir, `${quantization}.ort`));
      expect(converted).toMatchObject({ path: join(dir, `${quantization}.ort`), alreadyOrt: false, logitsToKeepGraphs: 1 });
      const ortBytes = new Uint8Array(await readFile(converted.path));
      expect(isOrtFormat(ortBytes)).toBe(true);
      expect(isOrtFormat(new Uint8Array(await readFile(generated.modelPath)))).toBe(false);

      const kept = createGpt2Runner(await createSession(ortBytes), { chunkTokens: 8 });
      expect(kept.layout.hasLogitsToKeep).toBe(true);
      const copied = createGpt2Runner(await openCopying(ortBytes), { chunkTokens: 8 });
      const originalSession = await createSession(new Uint8Array(await readFile(generated.modelPath)));
      const original = createGpt2Runner(originalSession, { chunkTokens: 8 });
      // num_logits_to_keep 0: every position, as the scoring path reads them.
      const expected = await logitsOf(copied, PROMPT);
      // Bit for bit, also after other sessions and runs have allocated and freed heap memory:
      // freed model bytes would by now hold something else.
      expect(await logitsOf(kept, PROMPT)).toEqual(expected);
      await logitsOf(original, PROMPT);
      expect(await logitsOf(kept, PROMPT)).toEqual(expected);
      // The last row alone (num_logits_to_keep 1) is the full run's last row, the prompt in one chunk both times.
      let lastRow = new Float32Array(0);
      await kept.feed(PROMPT, undefined, (_position, logits) => (lastRow = logits.slice()), { lastOnly: true });
      const whole = createGpt2Runner(originalSession, { chunkTokens: 64 });
      const fullRow = (await logitsOf(whole, PROMPT)).at(-1) as Float32Array;
      const greedy = { strategy: "greedy" as const, maxTokens: 12 };
      const options = { eosTokenId: -1, decode };
      if (quantization === "int8") {
        // Activations are quantized per tensor: one row alone gets its own scale, so the row moves a little.
        expect(argmax(lastRow)).toBe(argmax(fullRow));
        expect(maxAbsDiff(lastRow, fullRow)).toBeLessThan(0.01 * (Math.max(...fullRow) - Math.min(...fullRow)));
      } else {
        expect(lastRow).toEqual(fullRow);
        expect((await generateIds(kept, PROMPT, greedy, options)).ids).toEqual((await generateIds(original, PROMPT, greedy, options)).ids);
      }
    },
    60_000,
  );

  it("converts ONNX Runtime's stacked-cache fixture, which still decodes as onnxruntime-genai published", async () => {
    const converted = await convertModel(FIXTURE, join(dir, "fixture.ort"));
    const runner = createGpt2Runner(await createSession(new Uint8Array(await readFile(converted.path))));
    expect(runner.layout).toMatchObject({ kind: "stacked", idType: "int32", layers: 5 });
    for (const { prompt, continuation } of FIXTURE_GREEDY) {
      const out = await generateIds(runner, prompt, { strategy: "greedy", maxTokens: 6 }, { eosTokenId: FIXTURE_EOS, decode });
      expect(out.ids).toEqual(continuation);
    }
  });

  it("keeps an ORT-format file as it is", async () => {
    const converted = await convertModel(FIXTURE, join(dir, "again.ort"));
    expect(await convertModel(converted.path)).toMatchObject({ path: converted.path, alreadyOrt: true, sha256: converted.sha256 });
  });

  it("names the .ort beside an ONNX file", () => {
    expect(ortPathFor("models/a/decoder_model_merged.onnx")).toBe("models/a/decoder_model_merged.ort");
  });

  it("refuses a file that is not a GPT-2 decoder with a cache, writing nothing", async () => {
    const notOnnx = join(dir, "notes.onnx");
    await writeFile(notOnnx, "not a model");
    await expect(convertModel(notOnnx)).rejects.toThrow();
    await expect(readFile(ortPathFor(notOnnx))).rejects.toThrow(/ENOENT/);
  });
});
