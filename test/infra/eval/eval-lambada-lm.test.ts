import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { addScript } from "../../support/stub-control";
import { promptsContaining, runEval, useEvalStack } from "./eval-stack";

const LAMBADA = "test/fixtures/eval/lambada_test.jsonl";
const stack = useEvalStack();

const passages = async () =>
  (await readFile(LAMBADA, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line).text as string);

// End to end: the CLI, over HTTP, through the Worker under wrangler's dev server, to the vLLM stand-in or the edge model.
describe("npm run eval -- --suite lambada", () => {
  it("sends complete (with and without the stop-word filter) and score per passage, and reports accuracy and perplexity beside the paper", async () => {
    const texts = await passages();
    // Script the stand-in to finish the first passage with its target word: that passage is right, the rest wrong.
    const first = texts[0] as string;
    const context = first.slice(0, first.lastIndexOf(" "));
    await addScript(stack.backendUrl, {
      contains: context,
      text: " lamp and went home.",
      top_logprobs: [{ " lamp": -0.1, " the": -0.5 }],
    });
    const { report, results, stdout } = await runEval([
      "--suite",
      "lambada",
      "--data",
      LAMBADA,
      "--router",
      stack.routerUrl,
      "--backend",
      "gpu",
      "--model-size",
      "117M",
      "--quiet",
    ]);

    const sent = await promptsContaining(stack.backendUrl, context);
    const completions = sent.filter((body) => !body.echo);
    expect(completions.map((body) => body.prompt)).toEqual([context, context]);
    const [scored] = sent.filter((body) => body.echo);
    expect(scored.prompt).toEqual([`<|endoftext|>${context} lamp`]);

    expect(results[0]).toEqual({ header: { suite: "lambada", data: LAMBADA, backend: "gpu", model_size: "117M", limit: null } });
    // Appended as each passage finishes, so in any order.
    expect(
      results
        .slice(1)
        .map((record) => record.id)
        .sort(),
    ).toEqual(["1", "2", "3", "4"]);
    expect(results.find((record) => record.id === "1").values).toMatchObject({ correct: 1, correct_filtered: 1 });
    const logprobs = results.slice(1).map((record) => record.values.target_logprob as number);
    expect(report).toMatchObject({
      suite: "lambada",
      backend: "gpu",
      model_size: "117M",
      models: ["gpt2"],
      templates: ["gpt2-paper/v1"],
      examples_run: 4,
    });
    const metrics = Object.fromEntries(report.metrics.map((m: any) => [m.metric, m]));
    expect(metrics.accuracy.score).toBe(25);
    expect(metrics.accuracy_stopword_filter).toMatchObject({ score: 25, paper: 45.99, difference: -20.99 });
    expect(metrics.perplexity.score).toBeCloseTo(Math.exp(-logprobs.reduce((a, b) => a + b, 0) / 4), 6);
    expect(metrics.perplexity).toMatchObject({ paper: 35.13, better: "lower" });
    expect(stdout).toContain("| accuracy_stopword_filter | 25 | 45.99 | -20.99 | higher |");
  }, 120_000);

  it("resumes an interrupted run: only the missing passages are sent again, and the report is the same", async () => {
    const texts = await passages();
    const countSent = () => Promise.all(texts.map(async (text) => (await promptsContaining(stack.backendUrl, text.slice(0, 60))).length));
    const start = await countSent();
    const whole = await runEval(["--suite", "lambada", "--data", LAMBADA, "--router", stack.routerUrl, "--backend", "gpu", "--quiet"]);
    // Requests per passage: three, or four when the stop-word filter asks again.
    const perPassage = (await countSent()).map((count, index) => count - (start[index] as number));
    const path = join(whole.outDir, "lambada.results.jsonl");
    const lines = (await readFile(path, "utf8")).split("\n");
    // Interrupted after two passages, in the middle of writing the third.
    await writeFile(path, `${lines.slice(0, 3).join("\n")}\n${lines[3]?.slice(0, 20)}`);
    const kept = new Set(lines.slice(1, 3).map((line) => JSON.parse(line).id as string));
    const before = await countSent();
    const resumed = await runEval(
      ["--suite", "lambada", "--data", LAMBADA, "--router", stack.routerUrl, "--backend", "gpu", "--quiet"],
      whole.outDir,
    );
    const after = await countSent();
    expect(after.map((count, index) => count - (before[index] as number))).toEqual(
      perPassage.map((count, index) => (kept.has(String(index + 1)) ? 0 : count)),
    );
    expect(resumed.stderr).toContain("resumed: 2 examples");
    expect(resumed.report).toEqual(whole.report);
    // A different run into the same folder is refused rather than mixed in.
    await expect(
      runEval(["--suite", "lambada", "--data", LAMBADA, "--router", stack.routerUrl, "--backend", "edge", "--quiet"], whole.outDir),
    ).rejects.toThrow(/holds another run/);
  }, 120_000);

  it("runs on the edge model, and --limit picks the same passages every time", async () => {
    const first = await runEval([
      "--suite",
      "lambada",
      "--data",
      LAMBADA,
      "--router",
      stack.routerUrl,
      "--backend",
      "edge",
      "--limit",
      "2",
      "--quiet",
    ]);
    const second = await runEval([
      "--suite",
      "lambada",
      "--data",
      LAMBADA,
      "--router",
      stack.routerUrl,
      "--backend",
      "edge",
      "--limit",
      "2",
      "--quiet",
    ]);
    expect(first.report).toMatchObject({ backend: "edge", models: ["tiny-random-gpt2"], examples_run: 2 });
    const ids = (run: typeof first) =>
      run.results
        .slice(1)
        .map((record) => record.id)
        .sort();
    expect(ids(first)).toEqual(ids(second));
  }, 120_000);
});

describe("npm run eval -- language modelling suites", () => {
  it.each([
    { suite: "wikitext2", data: "test/fixtures/eval/wiki.test.raw", metric: "perplexity", paper: 29.41 },
    { suite: "ptb", data: "test/fixtures/eval/ptb.test.txt", metric: "perplexity", paper: 65.85 },
    { suite: "enwik8", data: "test/fixtures/eval/enwik8", metric: "bits_per_byte", paper: 1.16 },
    { suite: "text8", data: "test/fixtures/eval/text8", metric: "bits_per_character", paper: 1.17 },
  ])(
    "$suite scores its file through score and reports $metric",
    async ({ suite, data, metric, paper }) => {
      const { report, results } = await runEval([
        "--suite",
        suite,
        "--data",
        data,
        "--router",
        stack.routerUrl,
        "--backend",
        "gpu",
        "--model-size",
        "117M",
        "--quiet",
      ]);
      const records = results.slice(1);
      const logprob = records.reduce((sum, record) => sum + record.values.logprob, 0);
      const units = records.reduce((sum, record) => sum + record.values.units, 0);
      const raw = await readFile(data, "utf8");
      const expectedUnits =
        metric === "perplexity"
          ? raw.split(/\s+/).filter(Boolean).length
          : metric === "bits_per_byte"
            ? Buffer.byteLength(raw)
            : [...raw].length;
      expect(units).toBeCloseTo(expectedUnits, 6);
      const score = metric === "perplexity" ? Math.exp(-logprob / units) : -logprob / Math.LN2 / units;
      const found = report.metrics.find((m: any) => m.metric === metric);
      expect(found.score).toBeCloseTo(score, 6);
      expect(found.paper).toBe(paper);
      expect(report.templates).toEqual(["gpt2-paper/v1"]);
    },
    120_000,
  );

  it("cuts a long text into windows that score each window once, with the text before it as context", async () => {
    const { results } = await runEval([
      "--suite",
      "wikitext103",
      "--data",
      "test/fixtures/eval/wiki.test.raw",
      "--router",
      stack.routerUrl,
      "--backend",
      "gpu",
      "--quiet",
    ]);
    expect(results.length).toBeGreaterThan(1);
    const sent = await promptsContaining(stack.backendUrl, "Harbour Lane Bridge is a stone footbridge");
    // The detokenized text reached the backend: " @-@ " and spaced commas are undone.
    expect(sent.at(-1).prompt[0]).toContain("well-known arch, 12.5 metres wide, and carried about 1,200 people");
  }, 120_000);
});
