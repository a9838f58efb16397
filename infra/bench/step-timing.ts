/** One decode cycle: its wall-clock duration and the part spent inside `session.run`. */
export interface StepTiming {
  totalMs: number;
  runMs: number;
}

/** Clock readings at the start of a cycle: wall clock and the session's running total. */
export interface StepMark {
  at: number;
  runMs: number;
}

/**
 * The cycles between consecutive marks (n marks give n - 1 cycles).
 *
 * @example
 * stepsBetween([{ at: 0, runMs: 0 }, { at: 10, runMs: 9 }]); // [{ totalMs: 10, runMs: 9 }]
 */
export function stepsBetween(marks: readonly StepMark[]): StepTiming[] {
  return marks.slice(1).map((mark, i) => {
    const previous = marks[i] as StepMark;
    return { totalMs: mark.at - previous.at, runMs: mark.runMs - previous.runMs };
  });
}
