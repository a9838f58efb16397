import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CallTask, ExampleRecord, RunConfig } from "../../../../infra/eval/eval-types";
import { computeRouge } from "../../../../infra/eval/metrics/rouge-f1";
import { cnnDmSuite, readStory, splitSentences } from "../../../../infra/eval/suites/cnn-dm";

const STORIES = "test/fixtures/eval/cnn_dailymail_stories";
const JSONL = "test/fixtures/eval/cnn_dailymail_test.jsonl";
const TEST_IDS = [
  "46a876328004698408b675630d2c355457a0aaf5",
  "4ec232af75ff9bee35c8372e2e49a22fe8b6d415",
  "d9a8b50cf2ecc5c96343a6af3c48cfca9619dd6f",
];
const config = {} as RunConfig;

describe("cnn-dm parse", () => {
  it("reads the .story folder, keeping only the stories all_test.txt lists, in its order", async () => {
    const parsed = await cnnDmSuite.parse(STORIES);
    expect(parsed.map((entry) => entry.id)).toEqual(TEST_IDS);
    const [ferry, bakery, comet] = parsed.map((entry) => entry.example);
    // Paragraphs joined by a space; the caption line without an end mark got " ." (HF's fix_missing_period).
    expect(ferry?.article).toContain(
      'takes eight." A photo shows the old ferry, the Gull, at its mooring in 2019 . Tickets will cost £2.50',
    );
    expect(ferry?.reference).toBe(
      "Harbour Lane ferry to resume in May after two-year gap .\nTwo electric boats will each carry 200 passengers .\nAdult tickets will cost £2.50, children under 12 free .",
    );
    // A closing ’ is an end mark; the byline and dateline are not.
    expect(bakery?.article).toMatch(/^By Daily Mail Reporter \. PUBLISHED: .* 2014 \. A village bakery/);
    expect(bakery?.article.endsWith("kept in a stone jar.’")).toBe(true);
    // CRLF files read like LF ones.
    expect(comet?.article).not.toContain("\r");
    expect(comet?.reference).toBe(
      "Astronomers find comet that will pass within 0.3 AU of Earth .\nIt should be visible without binoculars next winter .",
    );
  });

  it("gives the same examples from the HF jsonl as from the story files it was made from", async () => {
    // The jsonl was written by HF cnn_dailymail 3.0.0's _get_art_abs (Python) from the same folder.
    expect(await cnnDmSuite.parse(JSONL)).toEqual(await cnnDmSuite.parse(STORIES));
  });

  it("reads every .story below the folder when there is no all_test.txt", async () => {
    const folder = mkdtempSync(join(tmpdir(), "cnn-dm-"));
    try {
      cpSync(join(STORIES, "cnn"), join(folder, "cnn"), { recursive: true });
      cpSync(join(STORIES, "dailymail"), join(folder, "dailymail"), { recursive: true });
      const parsed = await cnnDmSuite.parse(folder);
      expect(parsed.map((entry) => entry.id).sort()).toEqual([...TEST_IDS, "256330eb8eea1cde9d2b76ca9be27bdb366e04e5"].sort());
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("refuses a test list naming stories the folder lacks", async () => {
    const folder = mkdtempSync(join(tmpdir(), "cnn-dm-"));
    try {
      cpSync(join(STORIES, "all_test.txt"), join(folder, "all_test.txt"));
      cpSync(join(STORIES, "cnn"), join(folder, "cnn"), { recursive: true });
      await expect(cnnDmSuite.parse(folder)).rejects.toThrow(
        /all_test.txt lists 1 stories not under .*4ec232af75ff9bee35c8372e2e49a22fe8b6d415\.story/,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("skips stories without highlights, as HF's script does", () => {
    expect(readStory("Only an article here")).toEqual({ article: "Only an article here .", reference: "" });
    expect(readStory("A storm hit (again)\n\n@highlight\n\nStorm hits")).toEqual({
      article: "A storm hit (again)",
      reference: "Storm hits .",
    });
  });
});

describe("cnn-dm run and score", () => {
  it("summarizes the article and scores ROUGE-Lsum on the summary's sentences, one per line", async () => {
    const [first] = await cnnDmSuite.parse(JSONL);
    const calls: unknown[] = [];
    const callTask: CallTask = async (call) => {
      calls.push(call);
      return {
        output: { summary: "In May after a two-year gap. Harbour Lane ferry to resume! Boats carry 200 passengers." },
        model: "gpt2",
        backend: "gpu",
        template: { id: "gpt2-paper/v1", source: "paper" },
      };
    };
    const record = await cnnDmSuite.run(first?.example as never, callTask, config);
    expect(calls).toEqual([{ task: "summarize", body: { text: first?.example.article } }]);
    const expected = computeRouge(
      "In May after a two-year gap.\nHarbour Lane ferry to resume!\nBoats carry 200 passengers.",
      first?.example.reference as string,
    );
    expect(record.values).toMatchObject(expected);
    // Both halves of the first highlight are there, in the other order and in two sentences:
    // summary-level LCS (one LCS per sentence pair, unioned) credits both, one LCS over the whole
    // summary (what an unsplit summary, or rougeL, gets) only the longer.
    const unsplit = computeRouge(
      "In May after a two-year gap. Harbour Lane ferry to resume! Boats carry 200 passengers.",
      first?.example.reference as string,
    );
    expect(expected.rougeLsum).toBeGreaterThan(unsplit.rougeLsum + 5);
    expect(expected.rougeLsum).toBeGreaterThan(expected.rougeL + 5);
  });

  it("averages per-article F1, reports rougeLsum as rougeL, and R-AVG as the mean of the three", () => {
    const record = (id: string, rouge1: number, rouge2: number, rougeL: number, rougeLsum: number): ExampleRecord => ({
      id,
      values: { rouge1, rouge2, rougeL, rougeLsum },
      model: "gpt2",
      backend: "gpu",
      template: "gpt2-paper/v1",
    });
    const metrics = cnnDmSuite.score([record("a", 40, 10, 20, 30), record("b", 20, 6, 10, 24)], "1542M");
    expect(metrics).toEqual([
      { metric: "rouge1", score: 30, paper: 29.34, better: "higher" },
      { metric: "rouge2", score: 8, paper: 8.27, better: "higher" },
      { metric: "rougeL", score: 27, paper: 26.58, better: "higher" },
      { metric: "rouge_avg", score: (30 + 8 + 27) / 3, paper: 21.4, better: "higher" },
    ]);
    expect(cnnDmSuite.score([record("a", 1, 1, 1, 1)], "117M").every((metric) => metric.paper === null)).toBe(true);
  });

  it("splits a summary back into the sentences the router kept", () => {
    expect(splitSentences(" Prices rose 2.5% in May. “It hurts,” she said. Shops (most) closed.) ")).toEqual([
      "Prices rose 2.5% in May.",
      "“It hurts,” she said.",
      "Shops (most) closed.)",
    ]);
    // Line breaks inside the router's sentences (GPT-2's highlight-style lines) end sentences too.
    expect(splitSentences("Ferry back in May\n\nTwo boats ordered \n Fares rise. Then")).toEqual([
      "Ferry back in May",
      "Two boats ordered",
      "Fares rise.",
      "Then",
    ]);
    expect(splitSentences("")).toEqual([]);
  });

  it("names its source", async () => {
    expect(cnnDmSuite.source).toContain("all_test.txt");
    expect((await readFile(join(STORIES, "all_test.txt"), "utf8")).trim().split("\n")).toHaveLength(3);
  });
});
