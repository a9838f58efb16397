import { readFile } from "node:fs/promises";
import { paperFigure } from "../paper-figures";
import { recordReply, type Suite } from "../eval-types";
import { computeAccuracyFromCounts } from "../metrics/accuracy";
import { splitPythonWhitespace } from "../metrics/python-whitespace";

/** One schema as the router gets it: the sentence with the pronoun as the blank, the candidates, the right one's index. */
interface WinogradExample {
  text: string;
  candidates: string[];
  correct: number;
}

/** WSC273 is the collection's first 273 schemas; the 12 after them were added later (Hugging Face's `wsc273` cuts the same). */
const WSC273 = 273;
const POSSESSIVE = new Set(["my", "your", "his", "her", "its", "our", "their"]);
// lm-evaluation-harness's `upper_pronouns` (plus Its, Our, Your): capitalized only because the answer was written alone.
const CAPITALIZED = new Set(["A", "An", "The", "She", "He", "It", "They", "My", "His", "Her", "Its", "Our", "Their", "Your"]);

/**
 * The Winograd Schema Challenge, WSC273, from the official collection
 * `WSCollection.xml`. Each schema is one `choose` request with
 * `mode: "partial"` (the paper follows Trinh & Le 2018): the pronoun becomes
 * the blank, each candidate is put in its place and only the text after it
 * is scored, so the candidates' own likelihoods do not decide.
 *
 * Candidates are the `<answer>`s, whitespace collapsed and trailing
 * punctuation dropped, made to read as the words in the pronoun's place
 * (the paper does not say how; lm-evaluation-harness's `wsc273` does the
 * same two things, and a substitution that is not a sentence would score
 * the grammar, not the reference): after a possessive pronoun ("his turn")
 * the answer takes "'s" ("Bill's turn"), and an answer written with a
 * capital "The"/"He"/… is lowercased inside a sentence. Unlike the harness,
 * an answer at a sentence's start is capitalized ("hair" after "…clogged
 * with hair.") and one already ending in "'s" is not given a second.
 *
 * @example
 * await winogradSuite.parse("WSCollection.xml"); // [{ id: "1", example: { text: "… because ___ feared …", candidates: ["the …", "the …"], correct: 0 } }, …]
 */
export const winogradSuite: Suite<WinogradExample> = {
  name: "winograd",
  tasks: ["choose"],
  description: "Winograd Schema Challenge (WSC273): resolve the pronoun between two candidates, partial scoring",
  source: "https://cs.nyu.edu/~davise/papers/WinogradSchemas/WSCollection.xml (285 schemas; WSC273 is the first 273)",
  async parse(path) {
    const schemas = readSchemas(decodeXml(await readFile(path))).slice(0, WSC273);
    return schemas.map((schema, index) => ({ id: String(index + 1), example: toExample(schema, `schema ${index + 1}`) }));
  },
  async run({ text, candidates, correct }, callTask) {
    const reply = await callTask({ task: "choose", body: { text, candidates, mode: "partial" } });
    const choice = reply.output.choice as string;
    return recordReply(reply, { correct: choice === candidates[correct] ? 1 : 0, choice, answer: candidates[correct] });
  },
  score(records, size) {
    const correct = records.reduce((sum, record) => sum + Number(record.values.correct), 0);
    const accuracy = computeAccuracyFromCounts(correct, records.length);
    return [{ metric: "accuracy", score: accuracy, paper: paperFigure("winograd", "accuracy", size), better: "higher" }];
  },
};

interface Schema {
  txt1: string;
  pron: string;
  txt2: string;
  answers: string[];
  correctAnswer: string;
}

function toExample(schema: Schema, where: string): WinogradExample {
  const [txt1, pron, txt2] = [schema.txt1, schema.pron, schema.txt2].map(collapse) as [string, string, string];
  // "we punished ___." and not "___ .": punctuation after the pronoun keeps to it.
  const text = `${txt1 ? `${txt1} ` : ""}___${/^[.,;:!?]/.test(txt2) ? "" : " "}${txt2}`;
  const sentenceStart = txt1 === "" || /[.!?]["')]?$/.test(txt1);
  const answers = schema.answers.map((answer) => collapse(answer).replace(/[\s.,;:!?]+$/, ""));
  if (answers.length < 2 || answers.includes("")) throw new Error(`${where}: needs at least two non-empty <answer>s`);
  const letter = collapse(schema.correctAnswer).replace(/\.$/, "");
  const correct = letter.length === 1 ? letter.charCodeAt(0) - "A".charCodeAt(0) : -1;
  if (!(correct >= 0 && correct < answers.length)) throw new Error(`${where}: <correctAnswer> ${JSON.stringify(letter)} names no answer`);
  return { text, candidates: answers.map((answer) => toCandidate(answer, pron, sentenceStart)), correct };
}

function toCandidate(answer: string, pron: string, sentenceStart: boolean): string {
  const filled = POSSESSIVE.has(pron.toLowerCase()) && !/'s?$/.test(answer) ? `${answer}'s` : answer;
  if (sentenceStart) return filled.charAt(0).toUpperCase() + filled.slice(1);
  const [first = "", ...rest] = filled.split(" ");
  return CAPITALIZED.has(first) ? [first.toLowerCase(), ...rest].join(" ") : filled;
}

/** Python's `" ".join(text.split())`, as Hugging Face's loader cleans each field: the file breaks lines and pads inside them. */
function collapse(text: string): string {
  return splitPythonWhitespace(text).join(" ");
}

/**
 * The file's bytes as text, in the encoding its XML declaration names (the
 * collection says ISO-8859-1 and holds non-breaking spaces as byte 0xA0).
 * TextDecoder reads that label as windows-1252, as browsers do, which agrees
 * on every printable Latin-1 character and also reads curly quotes right.
 */
function decodeXml(bytes: Buffer): string {
  const declared = /^<\?xml[^>]*encoding=["']([\w.:-]+)["']/.exec(bytes.subarray(0, 200).toString("latin1"))?.[1];
  return new TextDecoder(declared ?? "utf-8").decode(bytes);
}

/**
 * The schemas of the collection. A small reader for this one fixed layout
 * rather than an XML library: the file is flat (no attributes, namespaces
 * or nesting beyond <schema>'s children); comments, processing instructions,
 * CDATA, entities and self-closed empty elements are still handled, and a
 * schema missing an element is an error naming it.
 */
function readSchemas(xml: string): Schema[] {
  const body = xml.replace(/<!--[\s\S]*?-->/g, "").replace(/<\?[\s\S]*?\?>/g, "");
  return [...body.matchAll(/<schema\b[^>]*>([\s\S]*?)<\/schema\s*>/g)].map((match, index) => {
    const schema = match[1] as string;
    const need = (within: string, tag: string) => {
      const found = elements(within, tag)[0];
      if (found === undefined) throw new Error(`schema ${index + 1}: no <${tag}>`);
      return found;
    };
    const text = need(schema, "text");
    return {
      txt1: textOf(elements(text, "txt1")[0] ?? ""),
      pron: textOf(need(text, "pron")),
      txt2: textOf(elements(text, "txt2")[0] ?? ""),
      answers: elements(need(schema, "answers"), "answer").map(textOf),
      correctAnswer: textOf(need(schema, "correctAnswer")),
    };
  });
}

/** The raw contents of each `<tag>` in `xml` (empty for `<tag/>`). */
function elements(xml: string, tag: string): string[] {
  const pattern = new RegExp(`<${tag}\\b[^>]*?(?:/>|>([\\s\\S]*?)</${tag}\\s*>)`, "g");
  return [...xml.matchAll(pattern)].map((match) => match[1] ?? "");
}

/** An element's text: CDATA kept verbatim, other markup dropped, entities decoded. */
function textOf(raw: string): string {
  return raw
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith("<![CDATA[") ? part.slice(9, -3) : decodeEntities(part.replace(/<[^>]*>/g, ""))))
    .join("");
}

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(?:#[xX]([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g, (_, hex?: string, decimal?: string, name?: string) =>
    hex
      ? String.fromCodePoint(Number.parseInt(hex, 16))
      : decimal
        ? String.fromCodePoint(Number(decimal))
        : (NAMED_ENTITIES[name ?? ""] ?? ""),
  );
}
