import { describe, expect, it } from "vitest";
import { stubTokenLogprob } from "../../../infra/backend/stub-logprob";
import { createGpuBackend } from "../../../src/model/gpu/gpu-backend";
import { END_OF_TEXT_ID, gpt2Tokenizer } from "../../../src/model/tokenizer";
import { stubUrl } from "../../support/call-router";
import { addScript, findRequests, uniqueMarker } from "../../support/stub-control";

const settings = { id: "gpu", weight: 1, baseUrl: stubUrl, model: "gpt2", timeoutMs: 5000, contextTokens: 1024 };

describe("createGpuBackend", () => {
  it("maps a generation, its finish reason, usage and sorted alternatives", async () => {
    const marker = uniqueMarker("gb");
    await addScript(stubUrl, { contains: marker, text: " yes no maybe", top_logprobs: [{ " no": -2, " yes": -0.1 }] });
    const backend = createGpuBackend(settings);
    const out = await backend.generate(`${marker}?`, { strategy: "greedy", maxTokens: 2, topLogprobs: 2 });
    expect(out.text).toBe(" yes no");
    expect(out.finishReason).toBe("length");
    expect(out.completionTokens).toBe(2);
    expect(out.promptTokens).toBe(gpt2Tokenizer.count(`${marker}?`));
    expect(out.topLogprobs?.[0]).toEqual([
      { token: " yes", logprob: -0.1 },
      { token: " no", logprob: -2 },
    ]);
  });

  it("reports a stop string as finish reason stop and does not return it", async () => {
    const marker = uniqueMarker("stop");
    await addScript(stubUrl, { contains: marker, text: " Paris\nQ: again" });
    const out = await createGpuBackend(settings).generate(marker, { strategy: "greedy", maxTokens: 10, stop: ["\n"] });
    expect(out).toMatchObject({ text: " Paris", finishReason: "stop" });
  });

  it("scores an empty context after end-of-text, in request order", async () => {
    const marker = uniqueMarker("sc");
    const backend = createGpuBackend(settings);
    const [empty, after] = await backend.score([
      { context: "", continuation: `${marker} one` },
      { context: `${marker} one`, continuation: " two" },
    ]);
    const ids = [END_OF_TEXT_ID, ...gpt2Tokenizer.encode(`${marker} one`)];
    const expected = ids.slice(1).reduce((sum, id, index) => sum + stubTokenLogprob(ids[index], id), 0);
    expect(empty?.logprob).toBeCloseTo(expected, 6);
    expect(after?.tokens).toEqual([" two"]);
    const [sent] = await findRequests(stubUrl, marker);
    expect(sent?.body.prompt).toEqual([`<|endoftext|>${marker} one`, `${marker} one two`]);
  });

  it("says the backend is unhealthy when nothing listens", async () => {
    expect(await createGpuBackend(settings).health()).toEqual({ ok: true });
    const down = await createGpuBackend({ ...settings, baseUrl: "http://127.0.0.1:9" }).health();
    expect(down.ok).toBe(false);
  });
});
