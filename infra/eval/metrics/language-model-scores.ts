import { requirePositive } from "./partial-sums";

/**
 * Language-modelling figures from a summed log-likelihood: perplexity per
 * token (WikiText-2, WikiText-103, PTB, LAMBADA's last word), bits per byte
 * (enwik8) and bits per character (text8), as the GPT-2 paper reports them.
 *
 * The log-likelihood is in nats (natural log), the unit of the log-probs
 * vLLM and OpenAI-style APIs return, and is a sum over every scored token, so
 * the caller adds up sliding windows and examples first (see PartialSum).
 * The denominator is what the figure is "per": the GPT-2 paper divides by the
 * data set's own units (words for the WikiText and PTB perplexities, via
 * de-tokenizers, bytes or characters for enwik8 and text8), not by GPT-2's BPE
 * tokens, so the caller passes that count, not the model's token count.
 */

/**
 * Perplexity: exp(-log-likelihood / count). Not a percentage; lower is better.
 *
 * @example
 * computePerplexity(-Math.log(4) * 10, 10); // 4 (up to rounding): a uniform choice among 4 tokens
 */
export function computePerplexity(logLikelihoodSum: number, tokenCount: number): number {
  return Math.exp(-logLikelihoodSum / requirePositive(tokenCount, "tokens"));
}

/**
 * Bits per byte: -log-likelihood / ln 2 / bytes. Not a percentage; lower is
 * better. Count UTF-8 bytes, e.g. with {@link countUtf8Bytes}.
 *
 * @example
 * computeBitsPerByte(-Math.LN2 * 12, 8); // 1.5
 */
export function computeBitsPerByte(logLikelihoodSum: number, byteCount: number): number {
  return -logLikelihoodSum / Math.LN2 / requirePositive(byteCount, "bytes");
}

/**
 * Bits per character: -log-likelihood / ln 2 / characters, the same formula
 * with Unicode code points as the unit (use {@link countCodePoints}).
 *
 * @example
 * computeBitsPerCharacter(-Math.LN2 * 12, 8); // 1.5
 */
export function computeBitsPerCharacter(logLikelihoodSum: number, characterCount: number): number {
  return -logLikelihoodSum / Math.LN2 / requirePositive(characterCount, "characters");
}

const utf8 = new TextEncoder();

/**
 * UTF-8 length of a text, the denominator of bits per byte (enwik8 is
 * measured in bytes of its UTF-8 XML dump).
 *
 * @example
 * countUtf8Bytes("né"); // 3
 */
export function countUtf8Bytes(text: string): number {
  return utf8.encode(text).length;
}

/**
 * Number of Unicode code points, the denominator of bits per character.
 * `text.length` counts UTF-16 units and would count an emoji twice.
 *
 * @example
 * countCodePoints("a😀"); // 2
 */
export function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
