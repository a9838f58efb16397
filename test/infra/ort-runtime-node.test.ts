import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createSession, ortRuntime, Tensor } from "#ort";
import { expectFixtureStep } from "../support/ort-fixture";

const MODEL_URL = new URL("../fixtures/tiny-random-gpt2-ort/past.onnx", import.meta.url);

describe("#ort in Node", () => {
  it("resolves to the Node variant", () => {
    expect(ortRuntime).toBe("node");
  });

  it("runs the fixture step and matches the golden digest the workerd test also checks", async () => {
    await expectFixtureStep(await createSession(new Uint8Array(await readFile(MODEL_URL))), Tensor);
  });
});
