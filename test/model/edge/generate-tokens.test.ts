import { describe, expect, it } from "vitest";
import { createModelTokenSource } from "../../../src/model/edge/generate-ids";
import { generateTokens } from "../../../src/model/edge/generate-tokens";
import type { Gpt2Runner, KvCache } from "../../../src/model/edge/gpt2-runner";
import {
  createEndOfTextCriterion,
  createMaxTokensCriterion,
  createStoppingCriteria,
  createStopStringCriterion,
  type GenerationState,
} from "../../../src/model/edge/stopping-criteria";

// A toy vocabulary: id -> text, id 0 is end-of-text.
const EOS = 0;
const VOCAB = ["<eos>", "a", "b", "c", "##", "#", "EN", "D", " "];
const decode = (ids: readonly number[]) => ids.map((id) => VOCAB[id]).join("");
const idsOf = (...texts: string[]) => texts.map((text) => VOCAB.indexOf(text));

/** A source that replays `ids` and then repeats "a". */
function replay(ids: number[]) {
  return (generated: readonly number[]) => ({ id: ids[generated.length] ?? 1, at: generated.length });
}

function stateOf(ids: number[]): GenerationState {
  return { ids, text: () => decode(ids), previousText: () => decode(ids.slice(0, -1)) };
}

async function run(ids: number[], stop: string[] = [], maxTokens = 10) {
  return generateTokens(replay(ids), { criteria: createStoppingCriteria({ maxTokens, eosTokenId: EOS, stop }), decode });
}

describe("stopping criteria", () => {
  it("max tokens ends with length once the count is reached, with all the text", () => {
    const max = createMaxTokensCriterion(2);
    expect(max(stateOf(idsOf("a")))).toBeUndefined();
    expect(max(stateOf(idsOf("a", "b")))).toEqual({ finishReason: "length", stopReason: null, text: "ab" });
  });

  it("end-of-text ends with stop, null stop reason, and leaves its own text out", () => {
    const eos = createEndOfTextCriterion(EOS);
    expect(eos(stateOf(idsOf("a", "b")))).toBeUndefined();
    expect(eos(stateOf([...idsOf("a", "b"), EOS]))).toEqual({ finishReason: "stop", stopReason: null, text: "ab" });
    expect(createEndOfTextCriterion(-1)(stateOf([1, EOS]))).toBeUndefined();
  });

  it("a stop string ends where it completes and the text is cut before it", () => {
    const stop = createStopStringCriterion(["bc"]);
    expect(stop(stateOf(idsOf("a", "b")))).toBeUndefined();
    expect(stop(stateOf(idsOf("a", "b", "c")))).toEqual({ finishReason: "stop", stopReason: "bc", text: "a" });
  });

  it("two stops completing on the same token: the first in the list wins, not the earliest in the text", () => {
    // "b#" and "#" both complete on the "#" token; "b#" starts one character earlier.
    const state = stateOf(idsOf("a", "b", "#"));
    expect(createStopStringCriterion(["#", "b#"])(state)).toEqual({ finishReason: "stop", stopReason: "#", text: "ab" });
    expect(createStopStringCriterion(["b#", "#"])(state)).toEqual({ finishReason: "stop", stopReason: "b#", text: "a" });
    // Both complete inside one token: the text is the same, the reported stop is the listed one.
    expect(createStopStringCriterion(["##", "#"])(stateOf(idsOf("a", "##")))).toMatchObject({ stopReason: "##", text: "a" });
  });

  it("a stop that completed on an earlier token is not found again (it would have ended the sequence then)", () => {
    expect(createStopStringCriterion(["ab"])({ ids: idsOf("a", "b", "c"), text: () => "abc", previousText: () => "ab" })).toBeUndefined();
  });

  it("an empty stop string never matches", () => {
    expect(createStopStringCriterion([""])(stateOf(idsOf("a")))).toBeUndefined();
  });
});

describe("generateTokens", () => {
  it("counts the end-of-text token but leaves it out of the text", async () => {
    const out = await run([...idsOf("a", "b"), EOS, ...idsOf("c")]);
    expect(out).toMatchObject({ text: "ab", finishReason: "stop", stopReason: null });
    expect(out.tokens.map((token) => token.id)).toEqual([...idsOf("a", "b"), EOS]);
  });

  it("finds a stop spanning two tokens and keeps both tokens", async () => {
    const out = await run(idsOf("a", "EN", "D", "b"), ["END"]);
    expect(out).toMatchObject({ text: "a", finishReason: "stop", stopReason: "END" });
    expect(out.tokens).toHaveLength(3);
  });

  it("list order decides between stops completing on the same token", async () => {
    expect(await run(idsOf("a", "#", "#", "b"), ["#", "##"])).toMatchObject({ text: "a", stopReason: "#", tokens: [{}, {}] });
    expect(await run(idsOf("a", "b", "#", "#"), ["b#", "#"])).toMatchObject({ text: "a", stopReason: "b#", tokens: [{}, {}, {}] });
    expect(await run(idsOf("a", "b", "#", "#"), ["#", "b#"])).toMatchObject({ text: "ab", stopReason: "#", tokens: [{}, {}, {}] });
  });

  it("stops at max tokens with finish reason length, but end-of-text or a stop on the last token wins", async () => {
    expect(await run(idsOf("a", "b", "c"), [], 2)).toMatchObject({
      text: "ab",
      finishReason: "length",
      stopReason: null,
      tokens: [{}, {}],
    });
    expect(await run([...idsOf("a"), EOS], [], 2)).toMatchObject({ text: "a", finishReason: "stop", stopReason: null });
    expect(await run(idsOf("a", "b"), ["b"], 2)).toMatchObject({ text: "a", finishReason: "stop", stopReason: "b" });
  });

  it("generates nothing for a zero budget", async () => {
    expect(await run(idsOf("a"), [], 0)).toEqual({ tokens: [], text: "", finishReason: "length", stopReason: null });
  });

  it("asks the criteria in list order and returns what the source picked", async () => {
    const out = await generateTokens(replay(idsOf("a", "b")), {
      criteria: [createMaxTokensCriterion(1), createStopStringCriterion(["a"])],
      decode,
    });
    expect(out).toEqual({ tokens: [{ id: 1, at: 0 }], text: "a", finishReason: "length", stopReason: null });
  });

  it("throws once the signal is aborted", async () => {
    const controller = new AbortController();
    const pick = (generated: readonly number[]) => {
      if (generated.length === 2) controller.abort();
      return { id: 1 };
    };
    const out = generateTokens(pick, {
      criteria: createStoppingCriteria({ maxTokens: 10, eosTokenId: EOS }),
      decode,
      signal: controller.signal,
    });
    await expect(out).rejects.toThrow(/cancelled/);
  });
});

describe("createModelTokenSource", () => {
  it("feeds the prompt once asking for its last row, then one token per step, never the last token", async () => {
    const feeds: Array<{ ids: number[]; cached: number; lastOnly?: boolean }> = [];
    const runner: Gpt2Runner = {
      layout: {} as Gpt2Runner["layout"],
      peakStepBytes: 0,
      async feed(ids, cache, visit, options) {
        const cached = cache?.length ?? 0;
        feeds.push({ ids: [...ids], cached, lastOnly: options?.lastOnly });
        // Logits favour id (position + 1) % 4, so the picks show which position was read.
        const position = cached + ids.length - 1;
        visit?.(
          position,
          Float32Array.from({ length: 4 }, (_, id) => (id === (position + 1) % 4 ? 1 : 0)),
        );
        return { length: cached + ids.length, tensors: {} } satisfies KvCache;
      },
    };
    const pick = createModelTokenSource(runner, [9, 9, 9], (logits) => ({ id: logits.indexOf(1) }));
    const out = await generateTokens(pick, { criteria: createStoppingCriteria({ maxTokens: 3, eosTokenId: -1 }), decode });
    expect(out.tokens.map((token) => token.id)).toEqual([3, 0, 1]);
    expect(feeds).toEqual([
      { ids: [9, 9, 9], cached: 0, lastOnly: true },
      { ids: [3], cached: 3, lastOnly: true },
      { ids: [0], cached: 4, lastOnly: true },
    ]);
  });

  it("refuses an empty prompt", () => {
    expect(() => createModelTokenSource({} as Gpt2Runner, [], () => ({ id: 0 }))).toThrow(/at least one prompt token/);
  });
});
