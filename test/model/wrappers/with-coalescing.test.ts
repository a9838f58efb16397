import { describe, expect, it } from "vitest";
import { APICallError } from "../../../src/model/api-call-error";
import { withCoalescing } from "../../../src/model/wrappers/with-coalescing";
import { withSubrequestBudget } from "../../../src/model/wrappers/with-subrequest-budget";
import { createScriptedBackend } from "../../support/scripted-backend";

const greedy = { strategy: "greedy", maxTokens: 4 } as const;
const sampled = { strategy: "sample", maxTokens: 4, topK: 2 } as const;

describe("withCoalescing", () => {
  it("sends generations of one turn with the same decoding as one prompt array, at most maxItems each", async () => {
    const gpu = createScriptedBackend({ id: "gpu", many: true, steps: [{ text: "g" }] });
    const grouped = withCoalescing(gpu, 2);
    const texts = await Promise.all(["a", "b", "c"].map((prompt) => grouped.generate(prompt, greedy)));
    const other = await grouped.generate("d", sampled);
    expect(texts.map((generation) => generation.text)).toEqual(["g:a", "g:b", "g:c"]);
    expect(other.text).toBe("g:d");
    expect(gpu.calls.map((call) => `${call.method}:${call.prompts.join(",")}`)).toEqual([
      "generateMany:a,b",
      "generateMany:c",
      "generateMany:d",
    ]);
  });

  it("sends scorings of one turn as one call and hands each caller its own slice", async () => {
    const gpu = createScriptedBackend({ id: "gpu", steps: [{ text: "" }] });
    const grouped = withCoalescing(gpu, 8);
    const [one, two] = await Promise.all([
      grouped.score([{ context: "A", continuation: "1" }]),
      grouped.score([
        { context: "B", continuation: "2" },
        { context: "B", continuation: "3" },
      ]),
    ]);
    expect(one?.map((score) => score.tokens[0])).toEqual(["1"]);
    expect(two?.map((score) => score.tokens[0])).toEqual(["2", "3"]);
    expect(gpu.calls).toEqual([{ method: "score", prompts: ["A1", "B2", "B3"] }]);
  });

  it("retries each member alone when the group call fails, so one bad prompt fails only its caller", async () => {
    const poisoned = new APICallError({ backend: "gpu", failure: "http", message: "HTTP 400: too long", isRetryable: false });
    const gpu = createScriptedBackend({ id: "gpu", many: true, steps: [{ error: poisoned }, { error: poisoned }, { text: "g" }] });
    const grouped = withCoalescing(gpu, 8);
    const results = await Promise.allSettled(["bad", "good"].map((prompt) => grouped.generate(prompt, greedy)));
    expect(results.map((result) => result.status)).toEqual(["rejected", "fulfilled"]);
    expect(gpu.calls.map((call) => call.prompts.join(","))).toEqual(["bad,good", "bad", "good"]);
  });

  it("releases a caller whose signal aborts without failing the others", async () => {
    const gpu = createScriptedBackend({ id: "gpu", many: true, steps: [{ text: "g" }] });
    const grouped = withCoalescing(gpu, 8);
    const gone = AbortSignal.abort(new Error("client left"));
    const [left, stayed] = await Promise.allSettled([grouped.generate("a", greedy, gone), grouped.generate("b", greedy)]);
    expect(left).toMatchObject({ status: "rejected", reason: { message: "client left" } });
    expect(stayed).toMatchObject({ status: "fulfilled", value: { text: "g:b" } });
  });

  it("passes generations through to a backend that cannot take prompt arrays", async () => {
    const edge = createScriptedBackend({ id: "edge", kind: "edge", steps: [{ text: "e" }] });
    const grouped = withCoalescing(edge, 8);
    await Promise.all(["a", "b"].map((prompt) => grouped.generate(prompt, greedy)));
    expect(edge.calls.map((call) => call.method)).toEqual(["generate", "generate"]);
  });
});

describe("withSubrequestBudget", () => {
  it("spends one per call, fails fast once spent, and never charges a backend without subrequests", async () => {
    const budget = { remaining: 2, limit: 2 };
    const gpu = withSubrequestBudget(createScriptedBackend({ id: "gpu", steps: [{ text: "g" }] }), budget);
    const edge = withSubrequestBudget(
      createScriptedBackend({ id: "edge", kind: "edge", subrequestsPerCall: 0, steps: [{ text: "e" }] }),
      budget,
    );
    await gpu.generate("a", greedy);
    await gpu.score([{ context: "a", continuation: "b" }]);
    await edge.generate("c", greedy);
    await expect(gpu.generate("d", greedy)).rejects.toMatchObject({
      failure: "unavailable",
      isRetryable: false,
      message: "gpu: the subrequest budget of 2 for this request is spent",
    });
    expect(budget.remaining).toBe(0);
  });

  it("inside withCoalescing, a grouped call spends once", async () => {
    const budget = { remaining: 10, limit: 10 };
    const gpu = createScriptedBackend({ id: "gpu", many: true, steps: [{ text: "g" }] });
    const grouped = withCoalescing(withSubrequestBudget(gpu, budget), 64);
    await Promise.all(Array.from({ length: 5 }, (_, index) => grouped.generate(`q${index}`, greedy)));
    expect(budget.remaining).toBe(9);
    expect(grouped).toMatchObject({ id: "gpu", kind: "gpu", weight: 1, subrequestsPerCall: 1 });
  });
});
