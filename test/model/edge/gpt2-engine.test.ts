import { beforeAll, describe, expect, it } from "vitest";
import { createSession } from "#ort";
import { generateIds } from "../../../src/model/edge/generate-ids";
import { createGpt2Runner, type Gpt2Runner } from "../../../src/model/edge/gpt2-runner";
import { logSumExp } from "../../../src/model/edge/sample-token";
import { scoreIds } from "../../../src/model/edge/score-ids";
import { FIXTURE_EOS, FIXTURE_GREEDY } from "../../support/fixture-greedy";
import { readFixtureModel } from "../../support/fixture-model";

// The engine inside workerd on a model this project did not make (ONNX Runtime's
// GPT-2 converter layout: stacked past_i, int32 ids).
const decode = (ids: readonly number[]) => ids.join(" ");
let runner: Gpt2Runner;

beforeAll(async () => {
  runner = createGpt2Runner(await createSession(readFixtureModel()));
});

describe("GPT-2 engine on the ONNX Runtime fixture", () => {
  it("reads the stacked layout from the session", () => {
    expect(runner.layout).toMatchObject({ kind: "stacked", idType: "int32", layers: 5, heads: 4, headDim: 8 });
  });

  it.each(FIXTURE_GREEDY)("greedy decoding with the KV cache matches onnxruntime-genai for $prompt", async ({ prompt, continuation }) => {
    const out = await generateIds(runner, prompt, { strategy: "greedy", maxTokens: 6 }, { eosTokenId: FIXTURE_EOS, decode });
    expect(out.ids).toEqual(continuation);
    expect(out.finishReason).toBe("length");
  });

  it("gives the same logits fed in chunks, token by token or all at once", async () => {
    const ids = [98, 464, 318, 257, 3, 14, 900, 12];
    const collect = async (chunk: number) => {
      const rows: number[][] = [];
      const chunked = createGpt2Runner(await createSession(readFixtureModel()), { chunkTokens: chunk });
      await chunked.feed(ids, undefined, (_, logits) => rows.push(Array.from(logits.subarray(0, 20))));
      return rows;
    };
    const whole = await collect(64);
    const single = await collect(1);
    expect(single).toHaveLength(ids.length);
    for (const [i, row] of single.entries()) for (const [j, value] of row.entries()) expect(value).toBeCloseTo(whole[i]?.[j] as number, 4);
  });

  it("seeded sampling is reproducible, and top-k 1 is greedy", async () => {
    const sample = (seed: number) =>
      generateIds(
        runner,
        [0, 0, 195, 731],
        { strategy: "sample", topK: 50, temperature: 1.5, maxTokens: 8, seed },
        { eosTokenId: -1, decode },
      );
    const [a, b, c] = await Promise.all([sample(7), sample(7), sample(8)]);
    expect(a.ids).toEqual(b.ids);
    expect(c.ids).not.toEqual(a.ids);
    const topOne = await generateIds(
      runner,
      [0, 0, 195, 731],
      { strategy: "sample", topK: 1, maxTokens: 6, seed: 3 },
      { eosTokenId: FIXTURE_EOS, decode },
    );
    expect(topOne.ids).toEqual(FIXTURE_GREEDY[1].continuation);
  });

  it("stops at end-of-text and at a stop string, counting the tokens that ended it (vLLM's rule)", async () => {
    const stopped = await generateIds(
      runner,
      [0, 0, 195, 731],
      { strategy: "greedy", maxTokens: 6, stop: ["114"] },
      { eosTokenId: FIXTURE_EOS, decode },
    );
    expect(stopped).toMatchObject({ finishReason: "stop", stopReason: "114", text: "731 ", ids: [731, 114] });
    const eos = await generateIds(
      runner,
      [0, 0, 195, 731],
      { strategy: "greedy", maxTokens: 6, tokenLogprobs: true },
      { eosTokenId: 114, decode },
    );
    expect(eos).toMatchObject({ finishReason: "stop", stopReason: null, text: "731", ids: [731, 114] });
    expect(eos.tokenLogprobs).toHaveLength(2);
  });

  it("scores continuations sharing a prefix exactly as separate full passes", async () => {
    const items = [
      { ids: [98, 464, 318, 257, 3], from: 3 },
      { ids: [98, 464, 318, 900], from: 3 },
      { ids: [98, 12, 318, 257], from: 1 },
    ];
    const shared = await scoreIds(runner, items);
    for (const [index, item] of items.entries()) {
      const expected: number[] = [];
      await runner.feed(item.ids, undefined, (position, logits) => {
        if (position + 1 >= item.from && position + 1 < item.ids.length) {
          expected.push((logits[item.ids[position + 1] as number] as number) - logSumExp(logits));
        }
      });
      expect(shared[index]).toHaveLength(item.ids.length - item.from);
      for (const [i, value] of (shared[index] ?? []).entries()) expect(value).toBeCloseTo(expected[i] as number, 5);
    }
  });
});
