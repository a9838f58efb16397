import { readFile } from "node:fs/promises";
import { recordReply, type Suite } from "../eval-types";
import { type BleuStatistics, combineBleuStatistics, countBleuStatistics, scoreBleuStatistics } from "../metrics/corpus-bleu";
import { paperFigure } from "../paper-figures";

type Language = "en" | "fr";

interface Segment {
  source: string;
  reference: string;
}

/**
 * A WMT-14 newstest2014 direction (paper section 3.7): each source sentence
 * is one `translate` request with `from`/`to` and the router's built-in
 * English–French seed pairs; the score is corpus BLEU as sacreBLEU reports it
 * (13a tokenization, mixed case, exp smoothing).
 *
 * `--data` is a path prefix: `PREFIX.en` and `PREFIX.fr` are the plain test
 * files, one sentence per line, line i of one the translation of line i of
 * the other (`--data data/newstest2014` reads `data/newstest2014.en` and
 * `.fr`; a path ending in `.en` or `.fr` is taken as its prefix). A prefix,
 * rather than a source and reference path, because `sacrebleu --echo src` and
 * `--echo ref` give exactly those two files and both directions read them.
 *
 * Corpus BLEU sums n-gram counts over the corpus before scoring, so each
 * record keeps its segment's BLEU statistics and the score sums those: a
 * resumed run gives the uninterrupted run's score exactly.
 *
 * @example
 * const enFr = createWmt14Suite("en", "fr");
 * await enFr.parse("newstest2014"); // [{ id: "1", example: { source: "The …", reference: "Le …" } }, …]
 */
export function createWmt14Suite(from: Language, to: Language): Suite<Segment> {
  const name = `wmt14-${from}-${to}`;
  return {
    name,
    tasks: ["translate"],
    description: `WMT-14 newstest2014 ${from}→${to}: corpus BLEU (sacreBLEU 13a) of the translate task's first sentence`,
    source: `sacrebleu -t wmt14 -l ${from}-${to} --echo src > newstest2014.${from}; sacrebleu -t wmt14 -l ${from}-${to} --echo ref > newstest2014.${to} (https://statmt.org/wmt14/test-filtered.tgz, newstest2014-fren-src.${from}.sgm and -ref.${to}.sgm as plain text); --data newstest2014`,
    async parse(path) {
      const prefix = path.replace(/\.(en|fr)$/, "");
      const [sources, references] = await Promise.all([readLines(`${prefix}.${from}`), readLines(`${prefix}.${to}`)]);
      if (sources.length !== references.length) {
        throw new Error(`${prefix}.${from} has ${sources.length} lines but ${prefix}.${to} has ${references.length}: not a parallel pair`);
      }
      return sources.map((source, index) => ({ id: String(index + 1), example: { source, reference: references[index] as string } }));
    },
    async run({ source, reference }, callTask) {
      const reply = await callTask({ task: "translate", body: { text: source, from, to } });
      const hypothesis = String(reply.output.translation);
      return recordReply(reply, { hypothesis, bleu: countBleuStatistics(hypothesis, reference) });
    },
    score(records, size) {
      const statistics = records.map((record) => record.values.bleu as BleuStatistics);
      return [
        {
          metric: "bleu",
          score: scoreBleuStatistics(combineBleuStatistics(statistics)),
          paper: paperFigure(name, "bleu", size),
          better: "higher",
        },
      ];
    },
  };
}

// A plain file's lines: split on "\n" only (a sentence may hold other Unicode line breaks), a
// Windows "\r" dropped, no empty last line for the final newline. Blank lines stay, so line i of
// both files stays one pair; the router refuses a blank source and the report counts it as refused.
async function readLines(path: string): Promise<string[]> {
  const lines = (await readFile(path, "utf8")).split("\n").map((line) => line.replace(/\r$/, ""));
  if (lines.at(-1) === "") lines.pop();
  return lines;
}
