import type { InferenceSession } from "../../src/model/edge/ort-types";

/** A session whose `run` calls are timed, and their running total. */
export interface ClockedSession {
  session: InferenceSession;
  /** Milliseconds spent inside `session.run` so far. */
  runMs(): number;
}

/**
 * Wraps a session so every `run` adds its duration to a total. Time outside
 * `run` in a decode step is then the caller's own work (feeds, picking,
 * detokenizing), which is what the engine overhead consists of; it stays
 * measurable while other processes make the wall-clock step time noisy.
 *
 * @example
 * const clock = clockSession(session);
 * await clock.session.run(feeds);
 * console.log(clock.runMs());
 */
export function clockSession(session: InferenceSession): ClockedSession {
  let total = 0;
  // `run` is overloaded; the wrapper forwards whatever arguments it gets.
  const inner = session.run.bind(session) as (...args: unknown[]) => ReturnType<InferenceSession["run"]>;
  const run = (async (...args: unknown[]) => {
    const start = performance.now();
    try {
      return await inner(...args);
    } finally {
      total += performance.now() - start;
    }
  }) as InferenceSession["run"];
  const clocked = new Proxy(session, {
    get: (target, property) => (property === "run" ? run : Reflect.get(target, property, target)),
  });
  return { session: clocked, runMs: () => total };
}
