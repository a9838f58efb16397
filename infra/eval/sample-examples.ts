import { createHash } from "node:crypto";

/**
 * A deterministic sample of `limit` examples: those whose ids hash lowest,
 * kept in file order, so every run (and a resumed one) picks the same ones
 * and adding examples to a file does not reshuffle the rest.
 *
 * @example
 * sampleExamples(examples, 100).length; // 100
 */
export function sampleExamples<T extends { id: string }>(examples: T[], limit: number | undefined): T[] {
  if (limit === undefined || limit >= examples.length) return examples;
  const rank = (id: string) => createHash("sha256").update(id).digest("hex");
  const kept = new Set(
    examples
      .map((example) => ({ id: example.id, rank: rank(example.id) }))
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
      .slice(0, limit)
      .map((entry) => entry.id),
  );
  return examples.filter((example) => kept.has(example.id));
}
