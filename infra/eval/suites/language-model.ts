import { readFile } from "node:fs/promises";
import { decode, encode } from "gpt-tokenizer/encoding/r50k_base";
import { paperFigure } from "../paper-figures";
import { recordReply, type Suite } from "../eval-types";
import {
  computeBitsPerByte,
  computeBitsPerCharacter,
  computePerplexity,
  countCodePoints,
  countUtf8Bytes,
} from "../metrics/language-model-scores";

/** Tokens scored per request; the router adds as much of the text before it as context as fits in 1024. */
const STRIDE = 512;
/** enwik8 and text8 are 100,000,000 bytes/characters; their test set is the last 5,000,000. */
const HUTTER_SIZE = 100_000_000;
const HUTTER_TEST = 5_000_000;

type Unit = "word" | "byte" | "character";

interface Window {
  context: string;
  text: string;
  /** Canonical units this window's text stands for (words of the original file, bytes, characters). */
  units: number;
}

interface LanguageModelOptions {
  name: string;
  unit: Unit;
  source: string;
  detokenize?: (text: string) => string;
  hutter?: boolean;
}

const METRIC: Record<Unit, string> = { word: "perplexity", byte: "bits_per_byte", character: "bits_per_character" };

/**
 * A language-modelling suite: the test file, detokenized where the data
 * set was tokenized, cut into windows of STRIDE tokens at character
 * boundaries; each window is a `score` request with the window before it
 * as `context` (a sliding window over the context length). Perplexity is
 * per word of the original file (as the paper normalizes, and as
 * lm-evaluation-harness's word_perplexity counts them); bits are per byte
 * or character. With `--limit`, words are apportioned to windows by their
 * share of the text, which is exact over a whole run.
 *
 * @example
 * const wikitext2 = createLanguageModelSuite({ name: "wikitext2", unit: "word", source: "…", detokenize: detokenizeWikitext });
 */
export function createLanguageModelSuite(options: LanguageModelOptions): Suite<Window> {
  return {
    name: options.name,
    tasks: ["score"],
    description: `${options.name} language modelling: ${METRIC[options.unit].replaceAll("_", " ")} through sliding-window scoring`,
    source: options.source,
    async parse(path) {
      let raw = await readFile(path, "utf8");
      if (options.hutter && raw.length >= HUTTER_SIZE) raw = raw.slice(raw.length - HUTTER_TEST);
      const text = options.detokenize ? options.detokenize(raw) : raw;
      const totalUnits =
        options.unit === "word"
          ? raw.split(/\s+/).filter(Boolean).length
          : options.unit === "byte"
            ? countUtf8Bytes(text)
            : countCodePoints(text);
      const pieces = cutWindows(text);
      const unitsOf = (piece: string) =>
        options.unit === "byte"
          ? countUtf8Bytes(piece)
          : options.unit === "character"
            ? countCodePoints(piece)
            : (totalUnits * piece.length) / text.length;
      return pieces.map((piece, index) => ({
        id: String(index),
        example: { context: pieces[index - 1] ?? "", text: piece, units: unitsOf(piece) },
      }));
    },
    async run(window, callTask) {
      const body = window.context ? { text: window.text, context: window.context } : { text: window.text };
      const reply = await callTask({ task: "score", body });
      return recordReply(reply, { logprob: reply.output.logprob as number, tokens: reply.output.tokens as number, units: window.units });
    },
    score(records, size) {
      const sum = (key: string) => records.reduce((total, record) => total + Number(record.values[key]), 0);
      const logprob = sum("logprob");
      const metric = METRIC[options.unit];
      const units = sum("units");
      const score =
        options.unit === "word"
          ? computePerplexity(logprob, units)
          : options.unit === "byte"
            ? computeBitsPerByte(logprob, units)
            : computeBitsPerCharacter(logprob, units);
      return [
        { metric, score, paper: paperFigure(options.name, metric, size), better: "lower" },
        { metric: "token_perplexity", score: computePerplexity(logprob, sum("tokens")), paper: null, better: "lower" },
      ];
    },
  };
}

/** Cuts text into pieces of about STRIDE tokens, only where the tokens split no character, so the pieces join back to the text. */
function cutWindows(text: string): string[] {
  const ids = encode(text);
  const pieces: string[] = [];
  let start = 0;
  while (start < ids.length) {
    let end = Math.min(start + STRIDE, ids.length);
    while (end < ids.length && !isCharacterBoundary(ids, end)) end += 1;
    pieces.push(decode(ids.slice(start, end)));
    start = end;
  }
  return pieces;
}

function isCharacterBoundary(ids: number[], at: number): boolean {
  const left = ids.slice(Math.max(0, at - 8), at);
  const right = ids.slice(at, at + 8);
  return decode(left) + decode(right) === decode([...left, ...right]);
}
