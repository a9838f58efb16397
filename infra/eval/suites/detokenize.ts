/**
 * lm-evaluation-harness's WikiText detokenizer (`wikitext_detokenizer`,
 * rule for rule, in its order): undoes the data set's
 * tokenization (` @-@ `, spaced punctuation, ` 's`), so the model scores
 * text as it would appear in the wild, as the paper's invertible
 * de-tokenizers did.
 *
 * @example
 * detokenizeWikitext("well @-@ known , it 's"); // "well-known, it's"
 */
export function detokenizeWikitext(text: string): string {
  return text
    .replaceAll("s '", "s'")
    .replaceAll(" @-@ ", "-")
    .replaceAll(" @,@ ", ",")
    .replaceAll(" @.@ ", ".")
    .replaceAll(" : ", ": ")
    .replaceAll(" ; ", "; ")
    .replaceAll(" . ", ". ")
    .replaceAll(" ! ", "! ")
    .replaceAll(" ? ", "? ")
    .replaceAll(" , ", ", ")
    .replace(/\(\s*([^)]*?)\s*\)/g, "($1)")
    .replace(/\[\s*([^\]]*?)\s*\]/g, "[$1]")
    .replace(/\{\s*([^}]*?)\s*\}/g, "{$1}")
    .replace(/"\s*([^"]*?)\s*"/g, '"$1"')
    .replace(/'\s*([^']*?)\s*'/g, "'$1'")
    .replace(/= = = =/g, "====")
    .replace(/= = =/g, "===")
    .replace(/= =/g, "==")
    .replaceAll(" \u00b0 ", "\u00b0")
    .replaceAll(" \n", "\n")
    .replaceAll("\n ", "\n")
    .replaceAll(" N ", " 1 ")
    .replaceAll(" 's", "'s");
}

/**
 * lm-evaluation-harness's Children's Book Test detokenizer (`cbt.py`'s
 * `detokenize`, rule for rule, in its order): CBT's text is PTB-style
 * tokenized (`` `` ``/`''` quotes, ` 's`, ` n't`, spaced punctuation), which
 * GPT-2 never saw in WebText. The paper does not say how it prepared CBT;
 * these rules are the published reference most zero-shot numbers use, so
 * scores compare. `--` and a space before a lone `` ` `` are left as they are,
 * as the harness leaves them.
 *
 * @example
 * detokenizeCbt("`` We do n't , '' said Tom 's sister ."); // "\"We don't,\" said Tom's sister."
 */
export function detokenizeCbt(text: string): string {
  return text
    .replaceAll(" '", "'")
    .replaceAll(" \n", "\n")
    .replaceAll("\n ", "\n")
    .replaceAll(" n't", "n't")
    .replaceAll("`` ", '"')
    .replaceAll("''", '"')
    .replaceAll(" :", ":")
    .replaceAll(" ;", ";")
    .replaceAll(" !", "!")
    .replaceAll(" ?", "?")
    .replaceAll(" ,", ",")
    .replaceAll(" .", ".");
}
