/**
 * Splits generated text into sentences: a run ending in `.`, `!` or `?`
 * (optionally followed by closing quotes or brackets) and then whitespace or
 * the end. Good enough for the paper's "first N sentences" rule on English.
 *
 * @example
 * firstSentences(" A cat sat. It purred! Then", 2); // "A cat sat. It purred!"
 * firstSentences("It costs 2.50 euros. Cheap.", 1); // "It costs 2.50 euros."
 */
export function firstSentences(text: string, count: number): string {
  // Split at the whitespace after an ending, so the "." inside "2.50" stays in its sentence.
  return text
    .trim()
    .split(/(?<=[.!?]["'”’)\]]*)\s+/)
    .slice(0, count)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0)
    .join(" ");
}

/**
 * The first line of generated text, trimmed.
 *
 * @example
 * firstLine(" Paris\nQ: next"); // "Paris"
 */
export function firstLine(text: string): string {
  return (text.trimStart().split("\n")[0] ?? "").trim();
}
