import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ortRuntime } from "#ort";
import { loadModelFile } from "../../../infra/edge/load-model-file";
import { generateIds } from "../../../src/model/edge/generate-ids";
import { FIXTURE_EOS, FIXTURE_GREEDY } from "../../support/fixture-greedy";

const fixturePath = fileURLToPath(new URL("../../fixtures/tiny-random-gpt2-ort/past.onnx", import.meta.url));
const decode = (ids: readonly number[]) => ids.join(" ");

// The same engine code in Node (tsx, CLI, benchmarks): must give what workerd gives.
describe("the edge engine in Node on the ONNX Runtime fixture", () => {
  it("reads end-of-text and context from genai_config.json", async () => {
    const model = await loadModelFile(fixturePath);
    expect(ortRuntime).toBe("node");
    expect(model).toMatchObject({ eosTokenId: FIXTURE_EOS, contextTokens: 512 });
    expect(model.runner.layout.kind).toBe("stacked");
  });

  it.each(FIXTURE_GREEDY)("greedy decoding matches onnxruntime-genai for $prompt", async ({ prompt, continuation }) => {
    const { runner, eosTokenId } = await loadModelFile(fixturePath);
    const out = await generateIds(runner, prompt, { strategy: "greedy", maxTokens: 6 }, { eosTokenId, decode });
    expect(out.ids).toEqual(continuation);
  });
});
