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
