import type { Decoding, Generation, InferenceBackend, ScoreRequest, ScoredContinuation } from "../backend";
import { createCoalescer } from "./create-coalescer";
import { forward } from "./forward";

/**
 * Wraps a backend so that calls made in the same turn of the event loop
 * share a backend call: generations with the same decoding become one
 * `generateMany` (when the backend has it), scorings one `score`, at most
 * `maxItems` per call. A sync batch of 256 items thus makes a few
 * prompt-array requests instead of 256. Grouped generations do not stream,
 * and each caller's abort releases only that caller.
 *
 * @example
 * const grouped = withCoalescing(createGpuBackend(settings), 64);
 * await Promise.all(questions.map((q) => grouped.generate(`Q: ${q}\nA:`, greedy))); // one request
 */
export function withCoalescing(backend: InferenceBackend, maxItems: number): InferenceBackend {
  const generateMany = backend.generateMany?.bind(backend);
  const groupedGenerate =
    generateMany &&
    createCoalescer<{ prompt: string; decoding: Decoding }, Generation>(
      (_key, items) =>
        generateMany(
          items.map((item) => item.prompt),
          (items[0] as { decoding: Decoding }).decoding,
        ),
      maxItems,
    );
  const groupedScore = createCoalescer<ScoreRequest[], ScoredContinuation[]>(async (_key, groups) => {
    const scored = await backend.score(groups.flat());
    let at = 0;
    return groups.map((group) => {
      at += group.length;
      return scored.slice(at - group.length, at);
    });
  }, maxItems);
  return {
    ...forward(backend),
    generate: (prompt, decoding, signal) =>
      groupedGenerate
        ? abortable(groupedGenerate(JSON.stringify(decoding), { prompt, decoding }), signal)
        : backend.generate(prompt, decoding, signal),
    score: (requests, signal) => abortable(groupedScore("score", requests), signal),
  };
}

/** A grouped call serves many callers, so one caller's abort releases that caller only. */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    }),
  ]);
}
