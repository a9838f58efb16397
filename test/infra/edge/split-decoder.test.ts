import { describe, expect, it } from "vitest";
import { createSession } from "#ort";
import { buildGpt2Onnx } from "../../../infra/model/build-gpt2-onnx";
import { GPT2_PRESETS } from "../../../infra/model/gpt2-config";
import { createGpt2Weights } from "../../../infra/model/gpt2-weights";
import { generateIds } from "../../../src/model/edge/generate-ids";
import { createGpt2Runner } from "../../../src/model/edge/gpt2-runner";

const config = GPT2_PRESETS.tiny;
const weights = createGpt2Weights(config, 3);
const decode = (ids: readonly number[]) => ids.join(" ");
const greedy = { strategy: "greedy" as const, maxTokens: 8 };
const options = { eosTokenId: 50256, decode };

// Optimum's split export: decoder_model.onnx (no past inputs) then decoder_with_past_model.onnx.
describe("a split decoder pair", () => {
  it("decodes exactly like the single with-past model", async () => {
    const withPast = await createSession(buildGpt2Onnx(config, weights));
    const firstPass = await createSession(buildGpt2Onnx(config, weights, { withPast: false }));
    expect(firstPass.inputNames).toEqual(["input_ids", "attention_mask", "position_ids"]);
    const prompt = [464, 3290, 318, 257, 1332];
    const single = await generateIds(createGpt2Runner(withPast), prompt, greedy, options);
    const split = await generateIds(createGpt2Runner(withPast, { firstPassSession: firstPass }), prompt, greedy, options);
    expect(split.ids).toEqual(single.ids);
    expect(new Set(single.ids).size).toBeGreaterThan(1);
  });

  it("uses the first-pass model for the first chunk only", async () => {
    const withPast = await createSession(buildGpt2Onnx(config, weights));
    const firstPass = await createSession(buildGpt2Onnx(config, weights, { withPast: false }));
    let firstPassRuns = 0;
    const counted = new Proxy(firstPass, {
      get: (target, key, receiver) =>
        key === "run"
          ? (...args: Parameters<typeof firstPass.run>) => {
              firstPassRuns += 1;
              return target.run(...args);
            }
          : Reflect.get(target, key, receiver),
    });
    await generateIds(createGpt2Runner(withPast, { firstPassSession: counted, chunkTokens: 2 }), [464, 3290, 318], greedy, options);
    expect(firstPassRuns).toBe(1);
  });
});
