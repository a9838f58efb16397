import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeExactMatch } from "../../../infra/eval/metrics/answer-overlap";
import { computeCorpusBleu } from "../../../infra/eval/metrics/corpus-bleu";
import { computeRouge } from "../../../infra/eval/metrics/rouge-f1";
import { addScript } from "../../support/stub-control";
import { promptsContaining, runEval, useEvalStack } from "./eval-stack";

const STORIES = "test/fixtures/eval/cnn_dailymail_stories";
const CNN_JSONL = "test/fixtures/eval/cnn_dailymail_test.jsonl";
const NEWSTEST = "test/fixtures/eval/newstest2014";
const NQ = "test/fixtures/eval/NQ-open.dev.jsonl";
const stack = useEvalStack();

/** Makes the vLLM stand-in answer prompts that contain `contains` and end with `endsWith` with `text`. */
const script = (contains: string, endsWith: string, text: string) => addScript(stack.backendUrl, { contains, endsWith, text });

const readJsonl = async (path: string) =>
  (await readFile(path, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
const readLines = async (path: string) => (await readFile(path, "utf8")).trimEnd().split("\n");
const byId = (results: any[]) => Object.fromEntries(results.slice(1).map((record) => [record.id, record]));
const metricsOf = (report: any) => Object.fromEntries(report.metrics.map((m: any) => [m.metric, m]));
const evalArgs = (suite: string, data: string, backend = "gpu") => [
  "--suite",
  suite,
  "--data",
  data,
  "--router",
  stack.routerUrl,
  "--backend",
  backend,
  "--quiet",
];

describe("npm run eval -- --suite cnn-dm", () => {
  // What the stand-in writes after each article's TL;DR:, and the summary (first three sentences) the router keeps.
  const generations = [
    " Harbour Lane ferry to resume in May after two-year gap . Two electric boats will each carry 200 passengers . Adult tickets will cost £2.50, children under 12 free .\n\nMore to come.",
    " The Crane bakery won a prize for its bread. It has used the same oven since 1902.",
    " Scientists say the comet is bright. It is still beyond Jupiter! It will pass Earth next winter. This fourth sentence is dropped.",
  ];
  const kept = [
    [
      "Harbour Lane ferry to resume in May after two-year gap .",
      "Two electric boats will each carry 200 passengers .",
      "Adult tickets will cost £2.50, children under 12 free .",
    ],
    ["The Crane bakery won a prize for its bread.", "It has used the same oven since 1902."],
    ["Scientists say the comet is bright.", "It is still beyond Jupiter!", "It will pass Earth next winter."],
  ];

  it("summarizes each story with TL;DR:, scores ROUGE F1 per article and reports the mean beside Table 4", async () => {
    const articles = await readJsonl(CNN_JSONL);
    for (const [index, row] of articles.entries()) await script(row.article.slice(0, 60), "\nTL;DR:", generations[index] as string);
    const { report, results, stdout } = await runEval(evalArgs("cnn-dm", STORIES));

    for (const row of articles) {
      const sent = await promptsContaining(stack.backendUrl, row.article.slice(0, 60));
      // The story files reach the model as HF's article: paragraphs joined by a space, then the paper's suffix.
      expect(sent.map((body) => body.prompt)).toEqual([`${row.article}\nTL;DR:`]);
    }
    const records = byId(results);
    expect(Object.keys(records).sort()).toEqual(articles.map((row) => row.id).sort());
    const expected = articles.map((row, index) => {
      expect(records[row.id].values.summary).toBe(kept[index]?.join(" "));
      return computeRouge(kept[index]?.join("\n") as string, row.highlights);
    });
    // The first summary is the highlights themselves: every ROUGE is 100 there, and below it elsewhere.
    expect(expected[0]).toMatchObject({ rouge1: 100, rouge2: 100, rougeLsum: 100 });
    const mean = (key: "rouge1" | "rouge2" | "rougeLsum") => expected.reduce((sum, scores) => sum + scores[key], 0) / expected.length;
    const metrics = metricsOf(report);
    expect(metrics.rouge1.score).toBeCloseTo(mean("rouge1"), 10);
    expect(metrics.rouge2.score).toBeCloseTo(mean("rouge2"), 10);
    expect(metrics.rougeL.score).toBeCloseTo(mean("rougeLsum"), 10);
    expect(metrics.rouge_avg.score).toBeCloseTo((mean("rouge1") + mean("rouge2") + mean("rougeLsum")) / 3, 10);
    expect(metrics.rouge1.score).toBeLessThan(100);
    expect(report.metrics.map((m: any) => [m.metric, m.paper])).toEqual([
      ["rouge1", 29.34],
      ["rouge2", 8.27],
      ["rougeL", 26.58],
      ["rouge_avg", 21.4],
    ]);
    expect(report).toMatchObject({
      suite: "cnn-dm",
      tasks: ["summarize"],
      backend: "gpu",
      model_size: "1542M",
      models: ["gpt2"],
      examples_run: 3,
    });
    expect(stdout).toMatch(/\| rougeL \| [\d.]+ \| 26\.58 \| [+-][\d.]+ \| higher \|/);
  }, 120_000);

  it("gives the same report from the HF jsonl as from the story files", async () => {
    const fromStories = await runEval(evalArgs("cnn-dm", STORIES));
    const fromJsonl = await runEval(evalArgs("cnn-dm", CNN_JSONL));
    expect(fromJsonl.report.metrics).toEqual(fromStories.report.metrics);
    expect(fromJsonl.report.examples_run).toBe(3);
  }, 120_000);
});

describe("npm run eval -- --suite wmt14-en-fr / wmt14-fr-en", () => {
  it("translates en→fr with the built-in seed pairs and reports corpus BLEU beside the paper's 5", async () => {
    const english = await readLines(`${NEWSTEST}.en`);
    const french = await readLines(`${NEWSTEST}.fr`);
    // The first segment is translated exactly, the others partly.
    const hypotheses = [
      french[0] as string,
      "Le conseil a commandé deux bateaux, chacun pour 200 passagers.",
      "« Cela leur donne une traversée de huit minutes », a dit la conseillère.",
      "Les billets coûtent 2,50 euros pour les adultes.",
      "Le vieux ferry a été détruit il y a deux ans.",
    ];
    for (const [index, source] of english.entries()) await script(source, `${source} =`, ` ${hypotheses[index]}\nThe next line.`);
    const { report, results, stdout } = await runEval(evalArgs("wmt14-en-fr", NEWSTEST));

    for (const source of english) {
      const [body] = await promptsContaining(stack.backendUrl, `${source} =`);
      expect(body.prompt.startsWith("Good morning. = Bonjour.\nThank you very much. = Merci beaucoup.\n")).toBe(true);
      expect(body.prompt.endsWith(`\n${source} =`)).toBe(true);
    }
    const records = byId(results);
    expect(english.map((_, index) => records[String(index + 1)].values.hypothesis)).toEqual(hypotheses);
    const expected = computeCorpusBleu(hypotheses, french);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(100);
    const { bleu } = metricsOf(report);
    expect(bleu.score).toBeCloseTo(expected, 10);
    expect(bleu).toMatchObject({ paper: 5, better: "higher" });
    expect(report).toMatchObject({ suite: "wmt14-en-fr", tasks: ["translate"], examples_run: 5 });
    expect(stdout).toContain("| bleu |");
  }, 120_000);

  it("translates fr→en: the scripted segment matches its reference, the rest score as the model wrote them", async () => {
    const english = await readLines(`${NEWSTEST}.en`);
    const french = await readLines(`${NEWSTEST}.fr`);
    await script(french[2] as string, `${french[2]} =`, ` ${english[2]}\n`);
    const { report, results } = await runEval(evalArgs("wmt14-fr-en", NEWSTEST));

    const [body] = await promptsContaining(stack.backendUrl, `${french[2]} =`);
    expect(body.prompt.startsWith("Bonjour. = Good morning.\n")).toBe(true);
    expect(body.prompt.endsWith(`\n${french[2]} =`)).toBe(true);
    const records = byId(results);
    const hypotheses = french.map((_, index) => records[String(index + 1)].values.hypothesis as string);
    expect(hypotheses[2]).toBe(english[2]);
    const { bleu } = metricsOf(report);
    expect(bleu.score).toBeCloseTo(computeCorpusBleu(hypotheses, english), 10);
    expect(bleu.paper).toBe(11.5);
  }, 120_000);

  it("resumes an interrupted run: only the missing segments are sent again, and corpus BLEU is the same", async () => {
    const english = await readLines(`${NEWSTEST}.en`);
    const whole = await runEval(evalArgs("wmt14-en-fr", NEWSTEST));
    const path = join(whole.outDir, "wmt14-en-fr.results.jsonl");
    const lines = (await readFile(path, "utf8")).split("\n");
    // Interrupted after two segments, in the middle of writing the third.
    await writeFile(path, `${lines.slice(0, 3).join("\n")}\n${lines[3]?.slice(0, 25)}`);
    const done = new Set(lines.slice(1, 3).map((line) => JSON.parse(line).id as string));
    const countSent = () => Promise.all(english.map(async (source) => (await promptsContaining(stack.backendUrl, `${source} =`)).length));
    const before = await countSent();
    const resumed = await runEval(evalArgs("wmt14-en-fr", NEWSTEST), whole.outDir);
    const after = await countSent();
    expect(after.map((count, index) => count - (before[index] as number))).toEqual(
      english.map((_, index) => (done.has(String(index + 1)) ? 0 : 1)),
    );
    expect(resumed.stderr).toContain("resumed: 2 examples");
    expect(resumed.report).toEqual(whole.report);
  }, 120_000);
});

describe("npm run eval -- --suite nq", () => {
  it("answers each question after the seed pairs and reports exact match beside the paper's 4.1", async () => {
    const rows = await readJsonl(NQ);
    // One question of five gets a gold answer (differing only in what SQuAD normalization drops): EM is exactly 20.
    await script(rows[1].question, `Q: ${rows[1].question}\nA:`, " In 1958.\n\nQ: who");
    const { report, results, stdout } = await runEval(evalArgs("nq", NQ));

    for (const row of rows) {
      const sent = await promptsContaining(stack.backendUrl, `Q: ${row.question}\nA:`);
      expect(sent).toHaveLength(1);
      expect(sent[0].prompt.startsWith("Q: who wrote the novel pride and prejudice\nA: Jane Austen\n\n")).toBe(true);
      expect(sent[0].prompt.endsWith(`\n\nQ: ${row.question}\nA:`)).toBe(true);
    }
    const records = byId(results);
    expect(records["2"].values).toEqual({ prediction: "In 1958.", exact_match: 100 });
    expect(rows.map((_, index) => records[String(index + 1)].values.exact_match)).toEqual([0, 100, 0, 0, 0]);
    expect(metricsOf(report).exact_match).toMatchObject({ score: 20, paper: 4.1, difference: 15.9 });
    expect(stdout).toContain("| exact_match | 20 | 4.1 | +15.9 | higher |");
  }, 120_000);

  it("runs on the edge model: the tiny GPT-2 answers, and exact match is scored on what it wrote", async () => {
    const rows = await readJsonl(NQ);
    const countSent = () =>
      Promise.all(rows.map(async (row) => (await promptsContaining(stack.backendUrl, `Q: ${row.question}\nA:`)).length));
    const before = await countSent();
    const { report, results } = await runEval([...evalArgs("nq", NQ, "edge"), "--model-size", "117M"]);
    // Nothing reached the GPU stand-in.
    expect(await countSent()).toEqual(before);
    expect(report).toMatchObject({ suite: "nq", backend: "edge", models: ["tiny-random-gpt2"], model_size: "117M", examples_run: 5 });
    const records = byId(results);
    const expected = rows.map((row, index) => computeExactMatch(records[String(index + 1)].values.prediction, row.answer));
    expect(metricsOf(report).exact_match).toMatchObject({ score: expected.reduce((a, b) => a + b, 0) / rows.length, paper: null });
  }, 120_000);
});
