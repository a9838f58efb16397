import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decode, encode } from "gpt-tokenizer/encoding/r50k_base";
import { describe, expect, it } from "vitest";
import { stubTokenLogprob } from "../../../infra/backend/stub-logprob";
import { computeCoqaTurnScores } from "../../../infra/eval/metrics/answer-overlap";
import { getSuite } from "../../../infra/eval/suites/registry";
import { addScript } from "../../support/stub-control";
import { promptsContaining, runEval, useEvalStack } from "./eval-stack";

const FIXTURES = "test/fixtures/eval";

// The parsed examples' shapes, as the suites' parse gives them (their own types stay private to the suites).
type CbtExample = { text: string; candidates: string[]; answer: string };
type WinogradExample = { text: string; candidates: string[]; correct: number };

const stack = useEvalStack();

const evalArgs = (suite: string, data: string, ...rest: string[]) => [
  "--suite",
  suite,
  "--data",
  data,
  "--router",
  stack.routerUrl,
  "--quiet",
  ...rest,
];

/**
 * What the vLLM stand-in's echo gives the tokens of `prompt` past its first
 * `contextLength` characters: each token's hashed logprob after the one
 * before, the tokens the router's alignment counts as the continuation (any
 * token ending past the context).
 */
function stubContinuationLogprob(prompt: string, contextLength: number): number {
  const ids = encode(prompt);
  let end = 0;
  let total = 0;
  ids.forEach((id, index) => {
    end += decode([id]).length;
    if (index > 0 && end > contextLength) total += stubTokenLogprob(ids[index - 1], id);
  });
  return total;
}

/** The prompts of the one scoring request (echo, a prompt per candidate) the stand-in got whose prompts hold `marker`. */
async function scoringPrompts(marker: string): Promise<string[]> {
  const sent = (await promptsContaining(stack.backendUrl, marker)).filter((body) => body.echo === true);
  expect(sent).toHaveLength(1);
  return sent[0].prompt as string[];
}

const metricsOf = (report: any) => Object.fromEntries(report.metrics.map((m: any) => [m.metric, m]));

describe("npm run eval -- --suite cbt-cn / cbt-ne", () => {
  it.each([
    { suite: "cbt-cn", file: "cbtest_CN_test_2500ex.txt", paper: 87.65 },
    { suite: "cbt-ne", file: "cbtest_NE_test_2500ex.txt", paper: 83.4 },
  ])(
    "$suite: one full-scoring choose per question, every candidate filled into the text, accuracy beside the paper's $paper",
    async ({ suite, file, paper }) => {
      const data = join(FIXTURES, file);
      const { report, results, stdout } = await runEval(evalArgs(suite, data, "--backend", "gpu", "--model-size", "117M"));
      const examples = (await getSuite(suite).parse(data)) as Array<{ id: string; example: CbtExample }>;
      const records = new Map(results.slice(1).map((record) => [record.id, record]));
      let correct = 0;
      for (const { id, example } of examples) {
        const prompts = await scoringPrompts(example.text.slice(0, 80));
        // Full scoring: the whole text with each candidate in the blank, in the candidates' order.
        expect(prompts).toEqual(example.candidates.map((candidate) => example.text.replace("___", candidate)));
        // The stand-in's logprobs decide: every candidate shares the text before the blank, so the best continuation wins.
        const head = example.text.slice(0, example.text.indexOf("___")).trimEnd().length;
        const scores = prompts.map((prompt) => stubContinuationLogprob(prompt, head));
        const choice = example.candidates[scores.indexOf(Math.max(...scores))];
        const expected = choice === example.answer ? 1 : 0;
        expect(records.get(id)?.values).toEqual({ correct: expected, choice, answer: example.answer });
        correct += expected;
      }
      if (suite === "cbt-cn") {
        const prompts = await scoringPrompts(examples[0]?.example.text.slice(0, 80) ?? "");
        expect(prompts[5]).toMatch(/ sniffed at the apples\. The oldest beaver, whose name was Grumble, climbed onto a stone\. /);
        expect(prompts[5]).toMatch(
          /"What do you want, miller\?" he asked in a gruff voice\. "Only a little gap in your dam," said Elsie, "so that the wheel may turn\."$/,
        );
      }
      const accuracy = (100 * correct) / examples.length;
      // The samples are written so the stand-in gets one question of the two right: a score that can be wrong both ways.
      expect(accuracy).toBe(50);
      expect(report).toMatchObject({ suite, tasks: ["choose"], backend: "gpu", models: ["gpt2"], examples_run: examples.length });
      expect(metricsOf(report).accuracy).toEqual({
        metric: "accuracy",
        score: accuracy,
        paper,
        difference: Math.round((accuracy - paper) * 100) / 100,
        better: "higher",
      });
      expect(stdout).toContain(`| accuracy | ${accuracy} | ${paper} |`);
    },
    120_000,
  );
});

describe("npm run eval -- --suite winograd", () => {
  const data = join(FIXTURES, "WSCollection.xml");

  it("sends one partial-scoring choose per schema, scoring only the text after each candidate, and reports accuracy beside the paper's 70.7", async () => {
    const { report, results, stdout } = await runEval(evalArgs("winograd", data, "--backend", "gpu", "--model-size", "1542M"));
    const examples = (await getSuite("winograd").parse(data)) as Array<{ id: string; example: WinogradExample }>;
    const records = new Map(results.slice(1).map((record) => [record.id, record]));
    let correct = 0;
    for (const { id, example } of examples) {
      const [before = "", after = ""] = example.text.split("___");
      const prompts = await scoringPrompts(before + example.candidates[0] + after);
      expect(prompts).toEqual(example.candidates.map((candidate) => before + candidate + after));
      // Partial scoring: the candidate is context; only `after` counts, so the candidates' own likelihoods do not.
      const scores = example.candidates.map((candidate, index) =>
        stubContinuationLogprob(prompts[index] as string, (before + candidate).length),
      );
      const choice = example.candidates[scores.indexOf(Math.max(...scores))];
      const expected = choice === example.candidates[example.correct] ? 1 : 0;
      expect(records.get(id)?.values).toEqual({ correct: expected, choice, answer: example.candidates[example.correct] });
      correct += expected;
    }
    // Two schemas on the wire, as the router got them: the full stop right after the candidate, and "'s" after a possessive.
    expect(await scoringPrompts("The puppies kept chasing the ducks, so the farmer scolded")).toEqual([
      "The puppies kept chasing the ducks, so the farmer scolded the puppies.",
      "The puppies kept chasing the ducks, so the farmer scolded the ducks.",
    ]);
    expect(await scoringPrompts("The coach praised the runner after the coach's speech")).toEqual([
      "The coach praised the runner after the coach's speech at the dinner.",
      "The coach praised the runner after the runner's speech at the dinner.",
    ]);
    const accuracy = (100 * correct) / examples.length;
    expect(metricsOf(report).accuracy).toMatchObject({ score: accuracy, paper: 70.7, better: "higher" });
    expect(report).toMatchObject({ suite: "winograd", tasks: ["choose"], model_size: "1542M", examples_run: 10, examples_failed: 0 });
    expect(stdout).toContain(`| accuracy | ${accuracy} | 70.7 |`);
  }, 120_000);

  it("runs on the edge model: nothing reaches the GPU stand-in, and the paper has no 117M figure", async () => {
    const before = (await promptsContaining(stack.backendUrl, "The storm knocked down the old fence.")).length;
    const { report, results, stdout } = await runEval(evalArgs("winograd", data, "--backend", "edge", "--model-size", "117M"));
    expect((await promptsContaining(stack.backendUrl, "The storm knocked down the old fence.")).length).toBe(before);
    const records = results.slice(1);
    expect(records).toHaveLength(10);
    for (const record of records) {
      expect(record).toMatchObject({ backend: "edge", model: "tiny-random-gpt2" });
      expect([0, 1]).toContain(record.values.correct);
    }
    const correct = records.reduce((sum: number, record: any) => sum + record.values.correct, 0);
    expect(report).toMatchObject({ backend: "edge", models: ["tiny-random-gpt2"], examples_run: 10 });
    expect(metricsOf(report).accuracy).toMatchObject({ score: correct * 10, paper: null, difference: null });
    expect(stdout).toContain(`| accuracy | ${correct * 10} | n/a | n/a | higher |`);
  }, 120_000);
});

describe("npm run eval -- --suite coqa", () => {
  const data = join(FIXTURES, "coqa-dev-v1.0.json");
  // What the scripted model answers, turn by turn: right, partly right, wrong, "unknown".
  const ANSWERS: Record<string, string[]> = {
    "3fixture0pebble0bakery0cat0001": ["Pebble", "a bakery", "the baker", "eggs", "yes"],
    "3fixture0marlow0canal0water002": ["a waterway", "42 km", "unknown", "timber"],
  };

  async function scriptStories() {
    const file = JSON.parse(await readFile(data, "utf8"));
    for (const story of file.data) {
      for (const [index, question] of story.questions.entries()) {
        await addScript(stack.backendUrl, {
          contains: story.story.slice(0, 60),
          endsWith: `Q: ${question.input_text}\n\nA:`,
          text: ` ${ANSWERS[story.id]?.[index]}`,
        });
      }
    }
    return file;
  }

  it("reads each story's turns in order with the gold history, scores them as the official script does, reports F1 beside the paper's 55, and resumes by story", async () => {
    const file = await scriptStories();
    const { report, results, stdout, outDir } = await runEval(evalArgs("coqa", data, "--backend", "gpu"));

    // The third turn of the first story, as the stand-in got it: the story, two turns with gold answers, the question.
    const pebble = file.data[0];
    const third = (await promptsContaining(stack.backendUrl, pebble.story.slice(0, 60))).filter((body) =>
      body.prompt.endsWith("Q: Who fed her?\n\nA:"),
    );
    expect(third.map((body) => body.prompt)).toEqual([
      `${pebble.story}\n\nQ: What was the cat's name?\n\nA: Pebble\n\nQ: Where did she live?\n\nA: in a bakery\n\nQ: Who fed her?\n\nA:`,
    ]);

    // Expected scores straight from the file: each turn's main and additional answers, the scripted prediction.
    let f1 = 0;
    let exactMatch = 0;
    let turns = 0;
    for (const story of file.data) {
      const record = results.find((line) => line.id === story.id);
      expect(record.values.predictions).toEqual(ANSWERS[story.id]);
      story.questions.forEach((_: unknown, i: number) => {
        const golds = [story.answers[i].input_text, ...Object.values(story.additional_answers).map((list: any) => list[i].input_text)];
        const scores = computeCoqaTurnScores(ANSWERS[story.id]?.[i] as string, golds);
        f1 += scores.f1;
        exactMatch += scores.exactMatch;
        turns += 1;
      });
    }
    const metrics = metricsOf(report);
    expect(turns).toBe(9);
    expect(metrics.f1.score).toBeCloseTo(f1 / turns, 10);
    expect(metrics.f1).toMatchObject({ paper: 55, better: "higher" });
    expect(metrics.exact_match.score).toBeCloseTo(exactMatch / turns, 10);
    expect(metrics.exact_match.paper).toBeNull();
    expect(report).toMatchObject({ suite: "coqa", tasks: ["read"], model_size: "1542M", examples_run: 2 });
    expect(stdout).toContain(`| f1 | ${Math.round((f1 / turns) * 100) / 100} | 55 |`);

    // Interrupted after the first story: only the second story's four turns are asked again.
    const path = join(outDir, "coqa.results.jsonl");
    const lines = (await readFile(path, "utf8")).split("\n");
    const kept = lines.findIndex((line) => line.includes(pebble.id));
    await writeFile(path, `${lines[0]}\n${lines[kept]}\n`);
    const count = async (story: any) => (await promptsContaining(stack.backendUrl, story.story.slice(0, 60))).length;
    const [pebbleBefore, canalBefore] = [await count(pebble), await count(file.data[1])];
    const resumed = await runEval(evalArgs("coqa", data, "--backend", "gpu"), outDir);
    expect([(await count(pebble)) - pebbleBefore, (await count(file.data[1])) - canalBefore]).toEqual([0, 4]);
    expect(resumed.stderr).toContain("resumed: 1 examples");
    expect(resumed.report).toEqual(report);
  }, 120_000);
});
