import { readFile } from "node:fs/promises";
import { paperFigure } from "../paper-figures";
import { recordReply, type Suite } from "../eval-types";
import { computeAccuracyFromCounts } from "../metrics/accuracy";
import { computePerplexity } from "../metrics/language-model-scores";

interface LambadaExample {
  context: string;
  target: string;
}

/**
 * LAMBADA (OpenAI's `lambada_test.jsonl`, one `{"text"}` per line): predict
 * a passage's last word. Three calls per passage: `complete` with the
 * paper's stop-word filter and without (accuracy: the predicted word equals
 * the target), and `score` of " {target}" after the passage (the target's
 * log-likelihood; perplexity is exp of its negative mean over passages, as
 * lm-evaluation-harness reports it).
 *
 * @example
 * await lambadaSuite.parse("lambada_test.jsonl"); // [{ id: "1", example: { context: "…", target: "word" } }, …]
 */
export const lambadaSuite: Suite<LambadaExample> = {
  name: "lambada",
  tasks: ["complete", "score"],
  description: "LAMBADA last-word prediction: accuracy with and without the stop-word filter, perplexity of the target word",
  source: "https://openaipublic.blob.core.windows.net/gpt-2/data/lambada_test.jsonl (5,153 passages, OpenAI's detokenized version)",
  async parse(path) {
    const lines = (await readFile(path, "utf8")).split("\n").filter((line) => line.trim() !== "");
    return lines.map((line, index) => {
      const text = (JSON.parse(line) as { text: string }).text.trim();
      const cut = text.lastIndexOf(" ");
      return { id: String(index + 1), example: { context: text.slice(0, cut), target: text.slice(cut + 1) } };
    });
  },
  async run({ context, target }, callTask) {
    const [filtered, plain, scored] = await Promise.all([
      callTask({ task: "complete", body: { text: context, options: { stopword_filter: true } } }),
      callTask({ task: "complete", body: { text: context, options: { stopword_filter: false } } }),
      callTask({ task: "score", body: { context, text: ` ${target}` } }),
    ]);
    return recordReply(filtered, {
      correct_filtered: filtered.output.word === target ? 1 : 0,
      correct: plain.output.word === target ? 1 : 0,
      target_logprob: scored.output.logprob as number,
    });
  },
  score(records, size) {
    const total = (key: string) => records.reduce((sum, record) => sum + Number(record.values[key]), 0);
    const accuracy = (key: string) => computeAccuracyFromCounts(total(key), records.length);
    return [
      {
        metric: "accuracy_stopword_filter",
        score: accuracy("correct_filtered"),
        paper: paperFigure("lambada", "accuracy_stopword_filter", size),
        better: "higher",
      },
      { metric: "accuracy", score: accuracy("correct"), paper: paperFigure("lambada", "accuracy", size), better: "higher" },
      // Per-word perplexity: each passage's target word is one unit, however many tokens it takes.
      {
        metric: "perplexity",
        score: computePerplexity(total("target_logprob"), records.length),
        paper: paperFigure("lambada", "perplexity", size),
        better: "lower",
      },
    ];
  },
};
