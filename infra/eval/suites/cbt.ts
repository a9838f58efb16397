import { readFile } from "node:fs/promises";
import { paperFigure } from "../paper-figures";
import { recordReply, type Suite } from "../eval-types";
import { computeAccuracyFromCounts } from "../metrics/accuracy";
import { detokenizeCbt } from "./detokenize";

/** One CBT question as the router gets it: the text with its blank, the ten candidates, the answer. */
interface CbtExample {
  text: string;
  candidates: string[];
  answer: string;
}

interface CbtOptions {
  name: "cbt-cn" | "cbt-ne";
  source: string;
}

// The data set's blank in the 21st line.
const QUERY_BLANK = "XXXXX";
// The router's blank is three or more underscores; the text keeps none of its own (see toText).
const ROUTER_BLANK = /_{3,}/g;
const CONTEXT_SENTENCES = 20;

/**
 * A Children's Book Test suite for one question type (the paper's CN,
 * common nouns, and NE, named entities), from the release's
 * `cbtest_{CN,NE}_test_2500ex.txt`. Each question is one `choose` request
 * with `mode: "full"`, as the paper ranks candidates: every candidate is
 * filled into the blank and scored together with the rest of the query,
 * after the 20 context sentences.
 *
 * Text, decided where the paper says nothing: the 20 sentences and the
 * query are joined with single spaces, their line numbers dropped, as
 * lm-evaluation-harness's `cbt` task joins them (they are consecutive
 * sentences of one chapter; the files do not record paragraph breaks, so a
 * line break would be invented). The harness's "Passage:"/"Question:" labels
 * are left out: the paper scores the book's text as a language model would
 * read it. The text is detokenized with the harness's rules
 * (`detokenizeCbt`), since GPT-2 was trained on untokenized web text.
 *
 * @example
 * const cbtCn = createCbtSuite({ name: "cbt-cn", source: "…/cbtest_CN_test_2500ex.txt" });
 * await cbtCn.parse("cbtest_CN_test_2500ex.txt"); // [{ id: "1", example: { text: "… your ___, said …", candidates: [10], answer } }, …]
 */
export function createCbtSuite(options: CbtOptions): Suite<CbtExample> {
  return {
    name: options.name,
    tasks: ["choose"],
    description: `Children's Book Test (${options.name.slice(4).toUpperCase()}): choose the word for the blank among 10 candidates, full scoring`,
    source: options.source,
    async parse(path) {
      return parseCbt(await readFile(path, "utf8")).map((example, index) => ({ id: String(index + 1), example }));
    },
    async run({ text, candidates, answer }, callTask) {
      const reply = await callTask({ task: "choose", body: { text, candidates, mode: "full" } });
      const choice = reply.output.choice as string;
      return recordReply(reply, { correct: choice === answer ? 1 : 0, choice, answer });
    },
    score(records, size) {
      const correct = records.reduce((sum, record) => sum + Number(record.values.correct), 0);
      return [
        {
          metric: "accuracy",
          score: computeAccuracyFromCounts(correct, records.length),
          paper: paperFigure(options.name, "accuracy", size),
          better: "higher",
        },
      ];
    },
  };
}

/**
 * Reads the release's format: examples of 21 numbered lines ("1 …" to
 * "20 …", then "21 query<TAB>answer<TAB><TAB>cand1|…|cand10"), a blank line
 * after each. Checks what a wrong file would break (numbering, one blank,
 * the answer among the candidates) and says which line is wrong.
 */
function parseCbt(content: string): CbtExample[] {
  const examples: CbtExample[] = [];
  let sentences: string[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `line ${index + 1}`;
    const match = /^(\d+) (.*)$/.exec(line);
    if (!match) throw new Error(`${where}: expected "N sentence", got ${JSON.stringify(line.slice(0, 60))}`);
    const number = Number(match[1]);
    if (number !== sentences.length + 1) throw new Error(`${where}: expected line number ${sentences.length + 1}, got ${number}`);
    const rest = match[2] as string;
    if (number <= CONTEXT_SENTENCES) {
      sentences.push(rest.trim());
      return;
    }
    // Query, answer, an empty field, candidates; the harness and Hugging Face's loader take the last field as the candidates.
    const fields = rest.split("\t");
    if (fields.length < 3) throw new Error(`${where}: expected "query<TAB>answer<TAB><TAB>candidates"`);
    const query = (fields[0] as string).trim();
    const answer = (fields[1] as string).trim();
    const candidates = (fields.at(-1) as string).trim().split("|");
    if (query.split(QUERY_BLANK).length !== 2) throw new Error(`${where}: the query must hold exactly one ${QUERY_BLANK}`);
    if (!candidates.includes(answer)) throw new Error(`${where}: the answer ${JSON.stringify(answer)} is not a candidate`);
    examples.push({ text: toText(sentences, query), candidates, answer });
    sentences = [];
  });
  if (sentences.length > 0) throw new Error(`the file ends inside an example (${sentences.length} sentences without a query)`);
  return examples;
}

function toText(sentences: string[], query: string): string {
  // A run of underscores in the book (Gutenberg's "Mr. ____") would read as a second blank and the router would refuse
  // the question; two underscores keep the look without being one.
  const plain = (text: string) => text.replace(ROUTER_BLANK, "__");
  return detokenizeCbt([...sentences.map(plain), plain(query).replace(QUERY_BLANK, "___")].join(" "));
}
