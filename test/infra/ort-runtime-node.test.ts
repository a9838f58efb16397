import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createSession, ortRuntime, Tensor } from "#ort";
import { FIXTURE_TOKENS, FIXTURE_VOCAB, emptyPastFeeds, expectGoldenLogits } from "../support/ort-fixture";

// CI clones the repo with shared/ as a sibling of the repo root, as here.
const MODEL_URL = new URL("../../../shared/fixtures/tiny-random-gpt2-ort/past.onnx", import.meta.url);

describe("#ort in Node", () => {
  it("resolves to the Node variant", () => {
    expect(ortRuntime).toBe("node");
  });

  it("runs the fixture step and matches the golden digest the workerd test also checks", async () => {
    const session = await createSession(new Uint8Array(await readFile(MODEL_URL)));
    expect(session.inputNames).toContain("input_ids");
    expect(session.outputNames).toContain("logits");

    const { logits } = await session.run(emptyPastFeeds(session, Tensor, FIXTURE_TOKENS));
    expect(logits?.dims).toEqual([1, FIXTURE_TOKENS.length, FIXTURE_VOCAB]);
    expectGoldenLogits(logits?.data as Float32Array);
    await session.release();
  });
});
