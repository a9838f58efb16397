import { requirePositive } from "./partial-sums";

/**
 * Accuracy on the 0-100 scale, the form the GPT-2 paper reports for LAMBADA,
 * the Children's Book Test and the Winograd Schema Challenge.
 *
 * Each example is one boolean rather than a prediction and a label, because
 * what counts as correct differs per suite (the chosen candidate is the
 * answer, the completed word equals the target) and belongs to the suite.
 */

/**
 * The percentage of examples answered correctly.
 *
 * @example
 * computeAccuracy([true, false, true, true]); // 75
 */
export function computeAccuracy(outcomes: readonly boolean[]): number {
  return computeAccuracyFromCounts(outcomes.filter(Boolean).length, outcomes.length);
}

/**
 * The same percentage from counts, for runs that kept only the number of
 * correct examples and the number scored (a `PartialSum` of 0/1 outcomes).
 *
 * @example
 * computeAccuracyFromCounts(3, 4); // 75
 */
export function computeAccuracyFromCounts(correct: number, examples: number): number {
  if (correct < 0 || correct > examples) throw new Error(`${correct} correct out of ${examples} examples is not a count`);
  return (100 * correct) / requirePositive(examples, "examples");
}
