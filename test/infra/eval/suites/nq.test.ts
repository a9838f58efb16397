import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CallTask, ExampleRecord, RunConfig } from "../../../../infra/eval/eval-types";
import { nqSuite } from "../../../../infra/eval/suites/nq";

const NQ = "test/fixtures/eval/NQ-open.dev.jsonl";

describe("nq parse", () => {
  it("reads NQ-Open's {question, answer: [...]} lines, the line number as id", async () => {
    const parsed = await nqSuite.parse(NQ);
    expect(parsed).toHaveLength(5);
    expect(parsed[0]).toEqual({
      id: "1",
      example: { question: "who designed the harbour lane bridge in marlow bay", answers: ["Edith Crane"] },
    });
    expect(parsed[4]?.example.answers).toEqual(["in the Atacama desert", "Atacama", "Chile"]);
  });

  it("refuses a line without a question or with no gold answers, naming the line", async () => {
    const folder = mkdtempSync(join(tmpdir(), "nq-"));
    try {
      const path = join(folder, "bad.jsonl");
      writeFileSync(path, '{"question": "q one", "answer": ["a"]}\n\n{"question": "q three", "answer": []}\n');
      await expect(nqSuite.parse(path)).rejects.toThrow(/bad\.jsonl line 3: expected/);
      writeFileSync(path, '{"query": "q", "answer": ["a"]}\n');
      await expect(nqSuite.parse(path)).rejects.toThrow(/line 1/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("nq run and score", () => {
  it("sends answer with the question alone (the router's seed pairs) and scores exact match over the golds", async () => {
    const calls: unknown[] = [];
    const reply =
      (answer: string): CallTask =>
      async (call) => {
        calls.push(call);
        return { output: { answer }, model: "gpt2", backend: "gpu", template: { id: "gpt2-paper/v1", source: "reconstruction" } };
      };
    const example = { question: "where is the observatoire de vallon located", answers: ["in the Atacama desert", "Chile"] };
    // SQuAD normalization: case, punctuation and articles do not count.
    expect((await nqSuite.run(example, reply("The Atacama Desert."), {} as RunConfig)).values).toEqual({
      prediction: "The Atacama Desert.",
      exact_match: 0,
    });
    expect((await nqSuite.run(example, reply("in the atacama desert!"), {} as RunConfig)).values).toEqual({
      prediction: "in the atacama desert!",
      exact_match: 100,
    });
    expect(calls[0]).toEqual({ task: "answer", body: { question: "where is the observatoire de vallon located" } });
  });

  it("averages exact match over questions, beside the paper's 4.1 for 1542M", () => {
    const record = (id: string, exactMatch: number): ExampleRecord => ({
      id,
      values: { prediction: "x", exact_match: exactMatch },
      model: "gpt2",
      backend: "gpu",
      template: "gpt2-paper/v1",
    });
    expect(nqSuite.score([record("1", 100), record("2", 0), record("3", 0), record("4", 0)], "1542M")).toEqual([
      { metric: "exact_match", score: 25, paper: 4.1, better: "higher" },
    ]);
    expect(nqSuite.score([record("1", 0)], "117M")[0]?.paper).toBeNull();
  });
});
