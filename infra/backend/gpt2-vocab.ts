import { END_OF_TEXT, END_OF_TEXT_ID, GPT2_VOCAB_SIZE, gpt2Tokenizer } from "../../src/model/tokenizer";

/**
 * The GPT-2 vocabulary as vLLM's Hugging Face tokenizer sees it, named the
 * way the engine speaks; the tokenizer itself is the router's.
 */
export { END_OF_TEXT, END_OF_TEXT_ID, GPT2_VOCAB_SIZE };

/**
 * Text to ids; the literal `<|endoftext|>` becomes id 50256.
 *
 * @example
 * tokenizeGpt2("Hi<|endoftext|>"); // [17250, 50256]
 */
export const tokenizeGpt2 = (text: string): number[] => gpt2Tokenizer.encode(text);

/**
 * Ids to text; incomplete UTF-8 becomes U+FFFD.
 *
 * @example
 * detokenizeGpt2([15496, 995]); // "Hello world"
 */
export const detokenizeGpt2 = (ids: readonly number[]): string => gpt2Tokenizer.decode(ids);

/**
 * One token decoded alone, as vLLM writes it in `logprobs.tokens`.
 *
 * @example
 * gpt2TokenText(447); // "\uFFFD" (the first two bytes of "’")
 */
export const gpt2TokenText = (id: number): string => gpt2Tokenizer.decode([id]);
