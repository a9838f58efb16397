import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { recordReply, type Suite } from "../eval-types";
import { computeRouge } from "../metrics/rouge-f1";
import { paperFigure } from "../paper-figures";

interface CnnDmExample {
  article: string;
  /** The highlights, one per line: ROUGE-Lsum reads a sentence per line. */
  reference: string;
}

// abisee's make_datafiles.py, kept by HF's cnn_dailymail script: a line ending in none of these
// gets " ." (image captions and bylines would otherwise run into the next sentence). Only the last
// character is compared, so the list's "..." never matched anything and is left out here.
const END_TOKENS = new Set([".", "!", "?", "'", "`", '"', "\u2019", "\u201d", ")"]);
// The url list that names the test split in abisee/cnn-dailymail's url_lists/.
const TEST_LIST = "all_test.txt";

/**
 * CNN/Daily Mail summarization (paper section 3.6, Table 4): `summarize`
 * with the article; ROUGE-1, ROUGE-2 and ROUGE-L F1 against the highlights,
 * averaged over articles, and their mean (the paper's R-AVG).
 *
 * `--data` is either a folder of DeepMind Q&A `.story` files (searched
 * recursively, so `cnn/stories` and `dailymail/stories` can sit side by
 * side; when the folder holds abisee's `all_test.txt`, only the stories it
 * lists, in its order) or a `.jsonl` export of HF `cnn_dailymail` 3.0.0
 * (`{"article", "highlights", "id"}`). Stories are read exactly as HF's
 * script reads them (missing periods added, article lines joined by a space,
 * highlights by "\n", the file's hash as id), so both forms send the same
 * requests and `--limit` samples the same articles.
 *
 * ROUGE-L is reported summary-level (rouge-score's `rougeLsum`, ROUGE-1.5.5's
 * ROUGE-L, which CNN/DM papers report): the reference keeps one highlight per
 * line and the summary is split back into its sentences ({@link splitSentences}).
 *
 * @example
 * await cnnDmSuite.parse("cnn_dailymail_stories"); // [{ id: "46a8…", example: { article: "(CNN) -- …", reference: "…\n…" } }, …]
 */
export const cnnDmSuite: Suite<CnnDmExample> = {
  name: "cnn-dm",
  tasks: ["summarize"],
  description: "CNN/Daily Mail summarization: ROUGE-1/2/L F1 (L summary-level, as rougeLsum) of the TL;DR: summary against the highlights",
  source:
    "https://cs.nyu.edu/~kcho/DMQA/ (cnn_stories.tgz, dailymail_stories.tgz; test split: https://github.com/abisee/cnn-dailymail url_lists/all_test.txt, 11,490 stories) or HF datasets cnn_dailymail 3.0.0 test exported to jsonl",
  async parse(path) {
    const rows = (await stat(path)).isDirectory() ? await readStoryFolder(path) : await readJsonl(path);
    // HF's script drops stories without an article or highlights; so do we, whichever the form.
    return rows.filter((row) => row.example.article !== "" && row.example.reference !== "");
  },
  async run({ article, reference }, callTask) {
    const reply = await callTask({ task: "summarize", body: { text: article } });
    const summary = String(reply.output.summary);
    // Per-article scores go into the record, so a resumed run averages exactly what a whole one would.
    const rouge = computeRouge(splitSentences(summary).join("\n"), reference);
    return recordReply(reply, { summary, ...rouge });
  },
  score(records, size) {
    const mean = (key: string) => records.reduce((sum, record) => sum + Number(record.values[key]), 0) / records.length;
    const rouge1 = mean("rouge1");
    const rouge2 = mean("rouge2");
    const rougeL = mean("rougeLsum");
    const metric = (name: string, score: number) => ({
      metric: name,
      score,
      paper: paperFigure("cnn-dm", name, size),
      better: "higher" as const,
    });
    return [
      metric("rouge1", rouge1),
      metric("rouge2", rouge2),
      metric("rougeL", rougeL),
      metric("rouge_avg", (rouge1 + rouge2 + rougeL) / 3),
    ];
  },
};

/**
 * The summary's sentences, for ROUGE-Lsum's one sentence per line. The
 * router returns its first three sentences joined by spaces; splitting after
 * `.`, `!` or `?` (and closing quotes or brackets) followed by whitespace,
 * the rule it cut them with, gives them back. A line break also ends a
 * sentence: GPT-2 often writes highlight-style lines without a full stop,
 * and rouge-score would read each line as one sentence anyway.
 *
 * @example
 * splitSentences("Ferry returns. “It is back!” Fares rise\nBoats ordered"); // ["Ferry returns.", "“It is back!”", "Fares rise", "Boats ordered"]
 */
export function splitSentences(summary: string): string[] {
  return summary
    .trim()
    .split(/\s*\n\s*|(?<=[.!?]["'”’)\]]*)\s+/)
    .filter((sentence) => sentence !== "");
}

/**
 * One `.story` file as HF's `cnn_dailymail` script reads it: lines stripped,
 * " ." added where a line lacks an end mark, blank lines dropped, the lines
 * after an `@highlight` are highlights and the rest the article.
 *
 * @example
 * readStory("Storms hit the bay\n\n@highlight\n\nBay hit"); // { article: "Storms hit the bay .", reference: "Bay hit ." }
 */
export function readStory(text: string): CnnDmExample {
  const article: string[] = [];
  const highlights: string[] = [];
  let inHighlights = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("@highlight")) {
      inHighlights = true;
      continue;
    }
    const fixed = line.includes("@highlight") || END_TOKENS.has(line.at(-1) ?? "") ? line : `${line} .`;
    (inHighlights ? highlights : article).push(fixed);
  }
  return { article: article.join(" "), reference: highlights.join("\n") };
}

async function readStoryFolder(folder: string) {
  const files = (await readdir(folder, { recursive: true })).filter((name) => name.endsWith(".story")).sort();
  const byId = new Map(files.map((name) => [basename(name, ".story"), join(folder, name)]));
  const list = await readFile(join(folder, TEST_LIST), "utf8").catch(() => null);
  // A story's file name is the SHA-1 of its URL (abisee's hashhex), which is how the list names it.
  const ids = list === null ? [...byId.keys()] : nonBlankLines(list).map((url) => createHash("sha1").update(url).digest("hex"));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new Error(`${TEST_LIST} lists ${missing.length} stories not under ${folder}, e.g. ${missing[0]}.story`);
  if (ids.length === 0) throw new Error(`no .story files under ${folder}`);
  // One file at a time: the full release is over 300,000 files, too many to hold open at once.
  const rows: Array<{ id: string; example: CnnDmExample }> = [];
  for (const id of ids) rows.push({ id, example: readStory(await readFile(byId.get(id) as string, "utf8")) });
  return rows;
}

async function readJsonl(path: string) {
  const lines = (await readFile(path, "utf8")).split("\n").filter((line) => line.trim() !== "");
  return lines.map((line, index) => {
    const row = JSON.parse(line) as { article?: unknown; highlights?: unknown; id?: unknown };
    if (typeof row.article !== "string" || typeof row.highlights !== "string") {
      throw new Error(`${path} line ${index + 1}: expected string "article" and "highlights" (HF cnn_dailymail 3.0.0)`);
    }
    // 3.0.0 joins highlights with "\n" already; trimming each keeps stray spaces out of ROUGE-Lsum's lines.
    const reference = nonBlankLines(row.highlights).join("\n");
    return { id: typeof row.id === "string" ? row.id : String(index + 1), example: { article: row.article, reference } };
  });
}

function nonBlankLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
