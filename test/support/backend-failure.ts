import { expect } from "vitest";
import { BackendError } from "../../src/errors";

/**
 * The BackendError a backend call fails with; the test fails if it succeeds
 * or fails with anything else.
 *
 * @example
 * const error = await failureOf(backend.generate("x", greedy));
 * expect(error.type).toBe("backend_timeout");
 */
export async function failureOf(run: Promise<unknown>): Promise<BackendError> {
  const error = await run.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}
