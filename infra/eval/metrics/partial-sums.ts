/**
 * Partial sums, the unit in which an evaluation run records its progress.
 *
 * Corpus-level figures are ratios of sums (perplexity is total log-likelihood
 * over total tokens, accuracy is correct examples over examples), not means
 * of per-example ratios. Keeping each example's numerator and denominator
 * lets a resumed run add the examples it already wrote to the ones it scores
 * now and get the figure an uninterrupted run would have produced, whatever
 * the split.
 */

/** A numerator and its denominator, summed over any set of examples. */
export interface PartialSum {
  /** The quantity summed: a log-likelihood in nats, a score, a count of correct answers. */
  sum: number;
  /** What it is divided by: tokens, bytes, characters, examples. */
  count: number;
}

/**
 * Adds partial sums together; an empty list gives `{ sum: 0, count: 0 }`.
 *
 * @example
 * combinePartialSums([{ sum: -12.5, count: 5 }, { sum: -7.5, count: 3 }]); // { sum: -20, count: 8 }
 */
export function combinePartialSums(parts: Iterable<PartialSum>): PartialSum {
  let sum = 0;
  let count = 0;
  for (const part of parts) {
    if (!Number.isFinite(part.sum) || !Number.isFinite(part.count) || part.count < 0) {
      // One NaN from a failed request would silently turn the whole corpus
      // figure into NaN; better to fail where the bad record is known.
      throw new Error(`a partial sum must be finite with a non-negative count, got ${JSON.stringify(part)}`);
    }
    sum += part.sum;
    count += part.count;
  }
  return { sum, count };
}

/**
 * The mean a partial sum stands for, on the scale of its `sum`: per-example
 * F1, exact match or ROUGE scores recorded as `{ sum: score, count: 1 }`
 * average to the corpus figure the official scripts print.
 *
 * @example
 * computeMean(combinePartialSums([{ sum: 100, count: 1 }, { sum: 50, count: 1 }])); // 75
 */
export function computeMean(part: PartialSum): number {
  return part.sum / requirePositive(part.count, "examples");
}

/**
 * Throws unless `count` is positive; metrics call it so that an empty corpus
 * is an error instead of a NaN in the report.
 *
 * @example
 * requirePositive(3, "tokens"); // 3
 */
export function requirePositive(count: number, what: string): number {
  if (!(count > 0)) throw new Error(`cannot compute a metric over ${count} ${what}`);
  return count;
}
