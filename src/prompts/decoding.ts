import type { Decoding } from "../model/backend";

/** Decoding fields a client may override per request. */
export interface DecodingOverrides {
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
}

/**
 * Merges a task's paper decoding rule with client overrides. Temperature 0
 * means greedy; any sampling parameter switches a greedy rule to sampling.
 * Client stop strings are added to the task's, never replace them, because
 * post-processing relies on the task's own stops.
 *
 * @example
 * resolveDecoding({ strategy: "greedy", maxTokens: 32 }, { topK: 40 });
 * // { strategy: "sample", maxTokens: 32, topK: 40 }
 */
export function resolveDecoding(defaults: Decoding, overrides: DecodingOverrides): Decoding {
  const stop = [...new Set([...(defaults.stop ?? []), ...(overrides.stop ?? [])])];
  const base: Decoding = {
    strategy: defaults.strategy,
    maxTokens: overrides.maxTokens ?? defaults.maxTokens,
    ...(stop.length > 0 ? { stop } : {}),
    ...(overrides.seed !== undefined ? { seed: overrides.seed } : defaults.seed !== undefined ? { seed: defaults.seed } : {}),
    ...(defaults.topLogprobs !== undefined ? { topLogprobs: defaults.topLogprobs } : {}),
  };
  if (overrides.temperature === 0) return { ...base, strategy: "greedy" };
  const asksSampling = overrides.temperature !== undefined || overrides.topK !== undefined || overrides.topP !== undefined;
  if (defaults.strategy === "greedy" && !asksSampling) return base;
  return dropUndefined({
    ...base,
    strategy: "sample",
    temperature: overrides.temperature ?? defaults.temperature,
    topK: overrides.topK ?? defaults.topK,
    topP: overrides.topP ?? defaults.topP,
  });
}

function dropUndefined(decoding: Decoding): Decoding {
  return Object.fromEntries(Object.entries(decoding).filter(([, value]) => value !== undefined)) as Decoding;
}
