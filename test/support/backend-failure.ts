import { expect } from "vitest";
import { APICallError } from "../../src/model/api-call-error";

/**
 * The APICallError a backend call fails with; the test fails if it succeeds
 * or fails with anything else.
 *
 * @example
 * const error = await failureOf(backend.generate("x", greedy));
 * expect(error.failure).toBe("timeout");
 */
export async function failureOf(run: Promise<unknown>): Promise<APICallError> {
  const error = await run.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(APICallError);
  return error as APICallError;
}
