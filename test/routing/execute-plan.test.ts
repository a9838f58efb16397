import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors/api-error";
import { APICallError } from "../../src/model/api-call-error";
import { CircuitBreakers } from "../../src/routing/circuit-breaker";
import { executePlan, type ExecutionSettings } from "../../src/routing/execute-plan";
import { RetryError } from "../../src/routing/retry-error";
import { createScriptedBackend, createTestClock, type ScriptedBackend } from "../support/scripted-backend";

const settings: ExecutionSettings = { maxTries: 3, backoffBaseMs: 100, backoffMaxMs: 1000, deadlineMs: 10_000 };
const greedy = { strategy: "greedy", maxTokens: 4 } as const;
const failure = (backend: string, init: Partial<ConstructorParameters<typeof APICallError>[0]> = {}) =>
  new APICallError({ backend, failure: "http", message: "HTTP 500: boom", statusCode: 500, isRetryable: true, ...init });

function setup(breakerFailures = 5) {
  const clock = createTestClock();
  const deps = {
    breakers: new CircuitBreakers({ failureThreshold: breakerFailures, coolDownMs: 30_000 }),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 1,
  };
  const run = (plan: ScriptedBackend[], overrides: Partial<ExecutionSettings> = {}) =>
    executePlan(plan, (backend, signal) => backend.generate("x", greedy, signal), { ...settings, ...overrides }, deps);
  return { clock, deps, run };
}

async function rejectionOf(work: Promise<unknown>): Promise<RetryError> {
  const error = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(RetryError);
  return error as RetryError;
}

describe("executePlan", () => {
  it("retries a retryable failure on the same backend with exponential backoff, then succeeds", async () => {
    const { clock, run } = setup();
    const gpu = createScriptedBackend(
      { id: "gpu", steps: [{ error: failure("gpu") }, { error: failure("gpu") }, { text: " ok", takesMs: 7 }] },
      clock,
    );
    const execution = await run([gpu]);
    expect(execution.result.text).toBe(" ok");
    expect(execution.attempts.map((attempt) => attempt.status)).toEqual(["error", "error", "ok"]);
    expect(execution.attempts[2]?.durationMs).toBe(7);
    // random() = 1 takes the top of each jitter window: 100 * 2^try.
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it("honours Retry-After instead of the backoff", async () => {
    const { clock, run } = setup();
    const gpu = createScriptedBackend(
      { id: "gpu", steps: [{ error: failure("gpu", { statusCode: 429, retryAfterMs: 2500 }) }, { text: " ok" }] },
      clock,
    );
    await run([gpu]);
    expect(clock.sleeps).toEqual([2500]);
  });

  it("moves to the next backend when Retry-After asks for more than the deadline leaves", async () => {
    const { clock, run } = setup();
    const busy = createScriptedBackend(
      { id: "gpu:a", steps: [{ error: failure("gpu:a", { statusCode: 503, retryAfterMs: 60_000 }) }] },
      clock,
    );
    const spare = createScriptedBackend({ id: "gpu:b", steps: [{ text: " spare" }] }, clock);
    const execution = await run([busy, spare]);
    expect(execution.backend.id).toBe("gpu:b");
    expect(busy.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("never retries a failure that is not retryable, and falls back at once", async () => {
    const { clock, run } = setup();
    const rejected = createScriptedBackend(
      { id: "gpu:a", steps: [{ error: failure("gpu:a", { statusCode: 404, isRetryable: false }) }] },
      clock,
    );
    const spare = createScriptedBackend({ id: "gpu:b", steps: [{ text: " b" }] }, clock);
    const execution = await run([rejected, spare]);
    expect(execution.attempts.map((attempt) => `${attempt.backend}:${attempt.status}`)).toEqual(["gpu:a:error", "gpu:b:ok"]);
    expect(rejected.calls).toHaveLength(1);
  });

  it("gives up with every failure in order, the reason and the attempts", async () => {
    const { run, clock } = setup();
    const a = createScriptedBackend({ id: "gpu:a", steps: [{ error: failure("gpu:a") }] }, clock);
    const b = createScriptedBackend({ id: "gpu:b", steps: [{ error: failure("gpu:b", { statusCode: 400, isRetryable: false }) }] }, clock);
    const retryable = await rejectionOf(run([a], { maxTries: 2 }));
    expect(retryable.reason).toBe("maxRetriesExceeded");
    expect(retryable.errors).toHaveLength(2);
    expect(retryable.message).toBe("all backends failed; last: gpu:a: HTTP 500: boom");
    const last = await rejectionOf(run([a, b], { maxTries: 1 }));
    expect(last.reason).toBe("errorNotRetryable");
    expect(last.lastError?.backend).toBe("gpu:b");
    expect(last.attempts.map((attempt) => attempt.backend)).toEqual(["gpu:a", "gpu:b"]);
  });

  it("stops at the deadline, whatever the backend made of the abort", async () => {
    const { clock, run } = setup();
    const slow = createScriptedBackend({ id: "gpu", steps: [{ error: new Error("aborted"), takesMs: 600 }] }, clock);
    const error = await rejectionOf(
      run([slow, createScriptedBackend({ id: "edge", kind: "edge", steps: [{ text: "e" }] }, clock)], { deadlineMs: 500 }),
    );
    expect(error.reason).toBe("deadlineExceeded");
    expect(error.lastError).toMatchObject({ failure: "timeout", message: "gpu: deadline of 500 ms exceeded" });
    expect(error.attempts).toHaveLength(1);
  });

  it("shortens the backoff to the time left, then stops at the deadline", async () => {
    const { clock, run } = setup();
    const gpu = createScriptedBackend({ id: "gpu", steps: [{ error: failure("gpu"), takesMs: 450 }] }, clock);
    const error = await rejectionOf(run([gpu], { deadlineMs: 500 }));
    expect(clock.sleeps).toEqual([50]);
    expect(error.reason).toBe("deadlineExceeded");
  });

  it("wraps an unexpected exception as a retryable runtime failure with its cause", async () => {
    const { clock, run } = setup();
    const crash = new TypeError("undefined is not a function");
    const gpu = createScriptedBackend({ id: "edge", kind: "edge", steps: [{ error: crash }, { text: " ok" }] }, clock);
    const execution = await run([gpu]);
    expect(execution.attempts[0]?.error).toBe("edge: undefined is not a function");
    const error = await rejectionOf(run([createScriptedBackend({ id: "edge", steps: [{ error: crash }] }, clock)], { maxTries: 1 }));
    expect(error.lastError).toMatchObject({ failure: "runtime", isRetryable: true, cause: crash });
  });

  it("lets a request error through at once: the request is wrong, not the backend", async () => {
    const { run, clock } = setup();
    const invalid = new ApiError("invalid_request", "too long");
    const spare = createScriptedBackend({ id: "gpu:b", steps: [{ text: " b" }] }, clock);
    await expect(run([createScriptedBackend({ id: "gpu:a", steps: [{ error: invalid }] }, clock), spare])).rejects.toBe(invalid);
    expect(spare.calls).toHaveLength(0);
  });

  it("skips an open circuit, and reports noHealthyBackend when nothing was tried", async () => {
    const { deps, run, clock } = setup(2);
    const gpu = createScriptedBackend({ id: "gpu", steps: [{ error: failure("gpu") }] }, clock);
    await rejectionOf(run([gpu], { maxTries: 2 }));
    expect(deps.breakers.describe("gpu")).toBe("open");
    const skipped = await rejectionOf(run([gpu]));
    expect(skipped.reason).toBe("noHealthyBackend");
    expect(skipped.attempts).toEqual([{ backend: "gpu", status: "skipped", durationMs: 0, error: "circuit open" }]);
    expect(gpu.calls).toHaveLength(2);
  });

  it("counts only retryable failures against the circuit", async () => {
    const { deps, run, clock } = setup(1);
    const rejected = createScriptedBackend(
      { id: "gpu", steps: [{ error: failure("gpu", { statusCode: 404, isRetryable: false }) }] },
      clock,
    );
    await rejectionOf(run([rejected]));
    await rejectionOf(run([rejected]));
    expect(deps.breakers.describe("gpu")).toBe("closed");
  });
});
