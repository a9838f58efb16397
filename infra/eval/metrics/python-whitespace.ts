/**
 * Python's idea of whitespace, for metrics whose reference implementations are
 * Python scripts (sacreBLEU, the SQuAD and CoQA evaluators).
 *
 * JavaScript's `\s` is a different set: it includes U+FEFF, which Python keeps
 * as a character, and lacks U+001C–U+001F and U+0085 (NEL), which Python's
 * `str.split()` and `str.rstrip()` treat as separators. Text from web-scraped
 * data sets does contain these, and a token that splits differently changes
 * n-gram counts, so the scores would drift from the published scripts'.
 *
 * The class is exactly the code points for which CPython's `str.isspace()` is
 * true (checked with Python 3.11 over all of Unicode).
 */
const PYTHON_WHITESPACE_CLASS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

const WHITESPACE_RUN = new RegExp(`[${PYTHON_WHITESPACE_CLASS}]+`);
const TRAILING_WHITESPACE = new RegExp(`[${PYTHON_WHITESPACE_CLASS}]+$`);

/**
 * Splits text the way Python's `str.split()` with no argument does: on runs of
 * Python whitespace, with no empty strings at either end, so an empty or
 * all-whitespace string gives no tokens at all.
 *
 * @example
 * splitPythonWhitespace("  a\u0085b\ufeff  "); // ["a", "b\ufeff"]
 * splitPythonWhitespace(" \t "); // []
 */
export function splitPythonWhitespace(text: string): string[] {
  return text.split(WHITESPACE_RUN).filter((token) => token !== "");
}

/**
 * Removes trailing Python whitespace, like Python's `str.rstrip()` with no
 * argument.
 *
 * @example
 * stripPythonTrailingWhitespace("word-\n"); // "word-"
 * stripPythonTrailingWhitespace("bom\ufeff"); // "bom\ufeff" (Python keeps U+FEFF)
 */
export function stripPythonTrailingWhitespace(text: string): string {
  return text.replace(TRAILING_WHITESPACE, "");
}
