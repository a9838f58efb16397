import { describe, expect, it } from "vitest";
import { createSession, ortRuntime, Tensor } from "#ort";
import { readFixtureModel } from "../../support/fixture-model";
import { expectFixtureStep } from "../../support/ort-fixture";

describe("#ort in workerd", () => {
  it("resolves to the workerd variant", () => {
    expect(ortRuntime).toBe("workerd");
  });

  it("runs the fixture step from the precompiled wasm module, matching the Node golden digest", async () => {
    await expectFixtureStep(await createSession(readFixtureModel()), Tensor);
  });

  it("passes other WebAssembly.instantiate calls through to workerd", async () => {
    // A valid empty module: workerd's own refusal proves the wrapper handed it on.
    // Reflect.apply because Workers' types lack the bytes overload.
    const emptyModule = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    const result: Promise<unknown> = Reflect.apply(WebAssembly.instantiate, WebAssembly, [emptyModule]);
    await expect(result).rejects.toThrow(/code generation disallowed/);
  });
});
