import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CallTask, ExampleRecord, RunConfig, TaskCall } from "../../../../infra/eval/eval-types";
import { computeCoqaTurnScores } from "../../../../infra/eval/metrics/answer-overlap";
import { coqaSuite } from "../../../../infra/eval/suites/coqa";

const COQA = "test/fixtures/eval/coqa-dev-v1.0.json";
const config = {} as RunConfig;

/** A router stand-in that answers each question from a table and keeps the bodies it got. */
function answering(answers: Record<string, string>) {
  const calls: TaskCall[] = [];
  const callTask: CallTask = async (call) => {
    calls.push(call);
    return {
      output: { answer: answers[call.body.question as string] ?? "" },
      model: "gpt2",
      backend: "gpu",
      template: { id: "gpt2-paper/v1", source: "paper" },
    };
  };
  return { calls, callTask };
}

describe("CoQA parsing (coqa-dev-v1.0.json)", () => {
  it("makes one example per story, id the story's, with each turn's question and gold answers (main, then the additional ones)", async () => {
    const stories = await coqaSuite.parse(COQA);
    expect(stories.map((entry) => entry.id)).toEqual(["3fixture0pebble0bakery0cat0001", "3fixture0marlow0canal0water002"]);
    const [pebble, canal] = stories.map((entry) => entry.example);
    expect(pebble?.story).toMatch(/^Once there was a small gray cat named Pebble .*\n\nOne day a mouse/s);
    expect(pebble?.turns.map((turn) => turn.question)).toEqual([
      "What was the cat's name?",
      "Where did she live?",
      "Who fed her?",
      "What did she knock over?",
      "Was he angry?",
    ]);
    expect(pebble?.turns[2]?.golds).toEqual(["Mr. Oduya", "the baker", "Mr. Oduya", "the baker, Mr. Oduya"]);
    expect(canal?.turns[2]).toEqual({ question: "Who dug it?", golds: ["unknown", "unknown", "unknown", "unknown"] });
  });

  it("reads a story without additional answers (the training file's layout)", async () => {
    const file = JSON.parse(readFileSync(COQA, "utf8"));
    delete file.data[0].additional_answers;
    const path = join(mkdtempSync(join(tmpdir(), "coqa-")), "coqa-train-v1.0.json");
    writeFileSync(path, JSON.stringify(file));
    const [first] = await coqaSuite.parse(path);
    expect(first?.example.turns[0]?.golds).toEqual(["Pebble"]);
  });
});

describe("CoQA run and score", () => {
  it("asks each turn in order with the earlier turns' gold answers as history, and sums the official turn scores", async () => {
    const [entry] = await coqaSuite.parse(COQA);
    const { calls, callTask } = answering({
      "What was the cat's name?": "Pebble",
      "Where did she live?": "a bakery",
      "Was he angry?": "yes",
    });
    const record = await coqaSuite.run(entry!.example, callTask, config);

    expect(calls.map((call) => call.task)).toEqual(["read", "read", "read", "read", "read"]);
    expect(calls[0]?.body).toEqual({ document: entry?.example.story, question: "What was the cat's name?" });
    // Gold answers, not the model's ("a bakery"), make the history.
    expect(calls[2]?.body).toEqual({
      document: entry?.example.story,
      history: [
        { question: "What was the cat's name?", answer: "Pebble" },
        { question: "Where did she live?", answer: "in a bakery" },
      ],
      question: "Who fed her?",
    });
    const golds = entry!.example.turns.map((turn) => turn.golds);
    const predictions = ["Pebble", "a bakery", "", "", "yes"];
    const expected = predictions.map((prediction, i) => computeCoqaTurnScores(prediction, golds[i] as string[]));
    expect(record.values).toEqual({
      turns: 5,
      f1_sum: expected.reduce((sum, score) => sum + score.f1, 0),
      exact_match_sum: expected.reduce((sum, score) => sum + score.exactMatch, 0),
      predictions,
    });
    // "Pebble" matches every gold. "a bakery" normalizes to "bakery", which only the fourth gold equals: leaving that
    // one out misses, leaving out any other still finds it, so exact match is 3 of 4.
    expect(expected[0]).toEqual({ exactMatch: 100, f1: 100 });
    expect(expected[1]?.exactMatch).toBe(75);
    expect(record).toMatchObject({ model: "gpt2", backend: "gpu", template: "gpt2-paper/v1" });
  });

  it("averages over turns, not over stories, and gives exact match no paper figure", () => {
    const records: ExampleRecord[] = [
      { id: "a", values: { turns: 3, f1_sum: 300, exact_match_sum: 200 }, model: "gpt2", backend: "gpu", template: "t" },
      { id: "b", values: { turns: 1, f1_sum: 0, exact_match_sum: 0 }, model: "gpt2", backend: "gpu", template: "t" },
    ];
    expect(coqaSuite.score(records, "1542M")).toEqual([
      { metric: "f1", score: 75, paper: 55, better: "higher" },
      { metric: "exact_match", score: 50, paper: null, better: "higher" },
    ]);
    expect(coqaSuite.score(records, "117M")[0]?.paper).toBeNull();
  });
});
