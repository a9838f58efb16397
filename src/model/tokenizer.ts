import r50k, { encode, setMergeCacheSize } from "gpt-tokenizer/encoding/r50k_base";

/** The GPT-2 end-of-text marker, as text and as its token id. */
export const END_OF_TEXT = "<|endoftext|>";
export const END_OF_TEXT_ID = 50256;
export const GPT2_VOCAB_SIZE = 50257;

/**
 * GPT-2 byte-level BPE (the r50k_base vocabulary, 50,257 tokens).
 * `<|endoftext|>` written in text is the special token, as Hugging Face
 * tokenizers (and so vLLM) treat it.
 */
export interface Tokenizer {
  encode(text: string): number[];
  /** Incomplete UTF-8 becomes U+FFFD, like the Hugging Face decoder's `errors="replace"`. */
  decode(ids: readonly number[]): string;
  count(text: string): number;
  /** The raw bytes of one token (a token may hold part of a character). */
  tokenBytes(id: number): Uint8Array;
}

interface ByteLevelCore {
  decodeNativeGenerator(ids: Iterable<number>): Generator<Uint8Array | string, void, void>;
}

// gpt-tokenizer's own `decode` keeps one streaming TextDecoder for the whole
// process, so a decode ending in half a character leaks bytes into the next,
// unrelated call (another request in the same isolate). We read each token's
// bytes through its (untyped, pinned 4.0.0) core instead and decode with a
// fresh decoder; checked at load so an upgrade that renames it fails loudly.
const core = (r50k as unknown as { bytePairEncodingCoreProcessor?: ByteLevelCore }).bytePairEncodingCoreProcessor;
if (typeof core?.decodeNativeGenerator !== "function") {
  throw new Error("gpt-tokenizer internals changed: bytePairEncodingCoreProcessor.decodeNativeGenerator is missing");
}
const byteLevel: ByteLevelCore = core;

/**
 * gpt-tokenizer caches the BPE merges of each word it has seen, 100,000
 * words by default, for the isolate's life. Every prompt is tokenized, so
 * hostile input (long unique words: ~3.3 KB an entry, measured in workerd)
 * could fill a third of a GB; a Worker isolate has 128 MB. Common words
 * still hit this many.
 */
export const MERGE_CACHE_ENTRIES = 2048;
setMergeCacheSize(MERGE_CACHE_ENTRIES);
const textEncoder = new TextEncoder();
const bytesCache = new Map<number, Uint8Array>();

function readTokenBytes(id: number): Uint8Array {
  const cached = bytesCache.get(id);
  if (cached) return cached;
  if (!Number.isInteger(id) || id < 0 || id >= GPT2_VOCAB_SIZE) throw new RangeError(`token id ${id} is out of vocabulary`);
  const [piece] = [...byteLevel.decodeNativeGenerator([id])];
  if (piece === undefined) throw new RangeError(`token id ${id} has no bytes`);
  const bytes = typeof piece === "string" ? textEncoder.encode(piece) : piece;
  bytesCache.set(id, bytes);
  return bytes;
}

function encodeWithSpecial(text: string): number[] {
  const ids: number[] = [];
  text.split(END_OF_TEXT).forEach((part, index) => {
    if (index > 0) ids.push(END_OF_TEXT_ID);
    if (part.length > 0) ids.push(...encode(part));
  });
  return ids;
}

function decodeBytes(ids: readonly number[]): string {
  const parts = ids.map(readTokenBytes);
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return new TextDecoder("utf-8").decode(joined);
}

/**
 * The exact GPT-2 tokenizer.
 *
 * @example
 * gpt2Tokenizer.encode("Hello world"); // [15496, 995]
 * gpt2Tokenizer.decode([15496, 995]); // "Hello world"
 */
export const gpt2Tokenizer: Tokenizer = {
  encode: encodeWithSpecial,
  decode: decodeBytes,
  count: (text) => encodeWithSpecial(text).length,
  tokenBytes: readTokenBytes,
};
