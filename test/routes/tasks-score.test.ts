import { describe, expect, it } from "vitest";
import { stubTokenLogprob } from "../../infra/backend/stub-logprob";
import { END_OF_TEXT_ID, gpt2Tokenizer } from "../../src/model/tokenizer";
import { addScript, findRequests, uniqueMarker } from "../support/stub-control";
import { postJson, stubUrl } from "../support/call-router";

/** What the stub assigns to `ids[from..]`, each token given the one before it. */
function expectedLogprob(ids: number[], from: number): number {
  let sum = 0;
  for (let i = Math.max(from, 1); i < ids.length; i += 1) sum += stubTokenLogprob(ids[i - 1], ids[i] as number);
  return sum;
}

describe("scoring tasks against a vLLM-compatible server", () => {
  it("choose scores every candidate in one echo request and ranks by summed logprob", async () => {
    const marker = uniqueMarker("ch");
    const text = `${marker} saw that the ___ chased the mouse.`;
    const candidates = ["cat", "dog", "teapot"];
    const reply = await postJson("/v1/tasks/choose", { text, candidates });
    expect(reply.status).toBe(200);

    const sent = await findRequests(stubUrl, marker);
    expect(sent).toHaveLength(1);
    const prompts = candidates.map((candidate) => text.replace("___", candidate));
    expect(sent[0]?.body).toMatchObject({ prompt: prompts, echo: true, logprobs: 1, max_tokens: 1 });

    const contextTokens = gpt2Tokenizer.count(`${marker} saw that the`);
    const expected = candidates
      .map((candidate, index) => ({ candidate, logprob: expectedLogprob(gpt2Tokenizer.encode(prompts[index] as string), contextTokens) }))
      .sort((a, b) => b.logprob - a.logprob);
    const ranking = reply.body.output.ranking as Array<{ candidate: string; logprob: number; probability: number }>;
    expect(ranking.map((entry) => entry.candidate)).toEqual(expected.map((entry) => entry.candidate));
    for (const [index, entry] of ranking.entries()) expect(entry.logprob).toBeCloseTo(expected[index]?.logprob as number, 6);
    expect(reply.body.output.choice).toBe(expected[0]?.candidate);
    expect(ranking.reduce((sum, entry) => sum + entry.probability, 0)).toBeCloseTo(1, 9);
  });

  it("choose in partial mode scores only the text after the blank", async () => {
    const marker = uniqueMarker("wino");
    const text = `${marker} The trophy did not fit in the suitcase because ___ was too big.`;
    const reply = await postJson("/v1/tasks/choose", { text, candidates: ["the trophy", "the suitcase"], mode: "partial" });
    expect(reply.status).toBe(200);
    const prompt = text.replace("___", "the trophy");
    const contextTokens = gpt2Tokenizer.count(`${text.slice(0, text.indexOf("___"))}the trophy`);
    const trophy = reply.body.output.ranking.find((entry: { candidate: string }) => entry.candidate === "the trophy");
    expect(trophy.logprob).toBeCloseTo(expectedLogprob(gpt2Tokenizer.encode(prompt), contextTokens), 6);
  });

  it("score returns the text's log-likelihood after end-of-text, and perplexity", async () => {
    const marker = uniqueMarker("sc");
    const text = `${marker} The quick brown fox jumps over the lazy dog.`;
    const reply = await postJson("/v1/tasks/score", { text });
    expect(reply.status).toBe(200);
    const ids = [END_OF_TEXT_ID, ...gpt2Tokenizer.encode(text)];
    const logprob = expectedLogprob(ids, 1);
    expect(reply.body.output.tokens).toBe(ids.length - 1);
    expect(reply.body.output.logprob).toBeCloseTo(logprob, 6);
    expect(reply.body.output.perplexity).toBeCloseTo(Math.exp(-logprob / (ids.length - 1)), 6);
    const [sent] = await findRequests(stubUrl, marker);
    expect(sent?.body).toMatchObject({ prompt: [`<|endoftext|>${text}`], echo: true, logprobs: 1, max_tokens: 1 });
  });

  it("score with a context scores only the text, conditioned on the context", async () => {
    const marker = uniqueMarker("scx");
    const context = `${marker} The quick brown fox jumps`;
    const text = " over the lazy dog.";
    const reply = await postJson("/v1/tasks/score", { text, context });
    expect(reply.status).toBe(200);
    const contextIds = [END_OF_TEXT_ID, ...gpt2Tokenizer.encode(context)];
    const ids = [...contextIds, ...gpt2Tokenizer.encode(text)];
    expect(reply.body.output.tokens).toBe(ids.length - contextIds.length);
    expect(reply.body.output.logprob).toBeCloseTo(expectedLogprob(ids, contextIds.length), 6);
    const [sent] = await findRequests(stubUrl, marker);
    expect(sent?.body.prompt).toEqual([`<|endoftext|>${context}${text}`]);
  });

  it("complete skips a predicted stop word and finishes the next best word", async () => {
    const marker = uniqueMarker("lam");
    const text = `${marker} He threw the red`;
    await addScript(stubUrl, { contains: marker, text: " the end", top_logprobs: [{ " the": -0.4, " a": -0.8, " ball": -1.1 }] });
    await addScript(stubUrl, { contains: marker, endsWith: " ball", text: "oon away." });
    const reply = await postJson("/v1/tasks/complete", { text });
    expect(reply.status).toBe(200);
    expect(reply.body.output.word).toBe("balloon");
    const sent = await findRequests(stubUrl, marker);
    expect(sent.map((request) => request.body.prompt)).toEqual([text, `${text} ball`]);
    expect(sent[0]?.body).toMatchObject({ temperature: 0, logprobs: 10 });
  });

  it("complete keeps the stop word when the filter is off", async () => {
    const marker = uniqueMarker("lamoff");
    await addScript(stubUrl, { contains: marker, text: " the end", top_logprobs: [{ " the": -0.4, " ball": -1.1 }] });
    const reply = await postJson("/v1/tasks/complete", { text: `${marker} He threw`, options: { stopword_filter: false } });
    expect(reply.status).toBe(200);
    expect(reply.body.output.word).toBe("the");
    expect(await findRequests(stubUrl, marker)).toHaveLength(1);
  });
});
