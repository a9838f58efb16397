/**
 * Greedy continuations of the shared fixture model published by
 * onnxruntime-genai (its GreedySearchGptFp32 tests: max_length 10 from these
 * 4-token prompts): an expectation this project did not compute itself.
 */
export const FIXTURE_GREEDY = [
  { prompt: [0, 0, 0, 52], continuation: [204, 204, 204, 204, 204, 204] },
  { prompt: [0, 0, 195, 731], continuation: [731, 114, 114, 114, 114, 114] },
] as const;

/** The fixture's end-of-text id (genai_config.json). */
export const FIXTURE_EOS = 98;
