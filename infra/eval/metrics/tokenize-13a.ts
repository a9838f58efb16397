import { splitPythonWhitespace } from "./python-whitespace";

/**
 * sacreBLEU's default tokenizer, `13a`: the tokenization of WMT's
 * mteval-v13a.pl, as sacreBLEU's tokenizer_13a.py and tokenizer_re.py apply it.
 *
 * Every rule and its order follow the Python source line for line, because
 * BLEU is only comparable between systems when the tokenization is identical:
 * a single period that stays glued to a word costs a unigram and up to four
 * n-gram matches.
 */

// mteval-v13a's "language-dependent part (assuming Western languages)": every
// ASCII symbol except the period, comma, hyphen and apostrophe gets spaces on
// both sides. The ranges are sacreBLEU's, [\{-\~\[-\` -\&\(-\+\:-\@\/], which
// cover { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /.
const SYMBOL = /([{-~[-` -&(-+:-@/])/g;

// A period or comma is split off unless a digit precedes it ("3.14", "1,000"
// stay whole)...
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/g;

// ...and unless a digit follows it (".5" stays whole, "5." splits): the two
// rules together keep decimal and thousands separators inside numbers.
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/g;

// A hyphen after a digit is a range or a minus ("1990-2000"), not a compound
// word ("well-known" stays whole).
const DASH_AFTER_DIGIT = /([0-9])(-)/g;

/**
 * Tokenizes one segment exactly as sacreBLEU's `13a` tokenizer does, returning
 * the tokens joined by single spaces (sacreBLEU's own return shape, so tests
 * can compare strings with its output).
 *
 * The language-independent part removes `<skipped>` markers, joins words that
 * mteval's SGML input hyphenated across lines (`-\n`), turns the remaining
 * newlines into spaces and unescapes the four SGML entities mteval knew.
 * Replacing `&quot;` and `&amp;` first, in that order, is sacreBLEU's order:
 * `&amp;lt;` becomes `<`, as it does there.
 *
 * sacreBLEU strips trailing whitespace from each segment before calling the
 * tokenizer; {@link countBleuStatistics} does that, this function does not.
 *
 * @example
 * tokenize13a('He paid $1,000.50 for "3.14" pies.'); // 'He paid $ 1,000.50 for " 3.14 " pies .'
 * tokenize13a("co-\noperate &amp; well-known, 1990-2000"); // "cooperate & well-known , 1990 - 2000"
 */
export function tokenize13a(segment: string): string {
  let line = segment.replaceAll("<skipped>", "").replaceAll("-\n", "").replaceAll("\n", " ");
  if (line.includes("&")) {
    line = line.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
  }
  // sacreBLEU pads with one space on each side so that the regexes below,
  // which need a character before or after the punctuation, also apply at the
  // ends of the segment.
  line = ` ${line} `
    .replace(SYMBOL, " $1 ")
    .replace(PERIOD_COMMA_AFTER_NON_DIGIT, "$1 $2 ")
    .replace(PERIOD_COMMA_BEFORE_NON_DIGIT, " $1 $2")
    .replace(DASH_AFTER_DIGIT, "$1 $2 ");
  return splitPythonWhitespace(line).join(" ");
}
