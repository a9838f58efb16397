import type { BackendKind, Decoding, Generation, InferenceBackend, ScoreRequest, ScoredContinuation } from "../../src/model/backend";

/** One scripted answer: a generation, or an error to throw; `takesMs` advances the test clock first. */
export type ScriptedStep = { text: string; tokenLogprobs?: number[]; takesMs?: number } | { error: Error; takesMs?: number };

/** A controllable clock: `sleep` advances it at once and records how long was asked. */
export interface TestClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  advance: (ms: number) => void;
  sleeps: number[];
}

/**
 * A clock for executor tests: time moves only when a test, a sleep or a
 * scripted backend moves it.
 *
 * @example
 * const clock = createTestClock(); await clock.sleep(100); clock.now(); // 100
 */
export function createTestClock(): TestClock {
  let time = 0;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
    advance: (ms) => {
      time += ms;
    },
    sleeps,
  };
}

/** A backend that answers from a script, records its calls and never touches the network. */
export interface ScriptedBackend extends InferenceBackend {
  calls: Array<{ method: "generate" | "generateMany" | "score"; prompts: string[]; decoding?: Decoding }>;
}

/**
 * An `InferenceBackend` for unit tests of what wraps or drives backends
 * (executor, escalation, wrappers). Steps are consumed in order; the last
 * one repeats. Real backends are tested against real servers elsewhere.
 *
 * @example
 * const gpu = createScriptedBackend({ id: "gpu", kind: "gpu", steps: [{ error: busy }, { text: " Paris" }] }, clock);
 */
export function createScriptedBackend(
  options: { id: string; kind?: BackendKind; weight?: number; subrequestsPerCall?: number; steps: ScriptedStep[]; many?: boolean },
  clock?: TestClock,
): ScriptedBackend {
  const calls: ScriptedBackend["calls"] = [];
  let next = 0;
  const step = async (): Promise<{ text: string; tokenLogprobs?: number[] }> => {
    const current = options.steps[Math.min(next, options.steps.length - 1)] as ScriptedStep;
    next += 1;
    clock?.advance(current.takesMs ?? 0);
    if ("error" in current) throw current.error;
    return current;
  };
  const toGeneration = (answer: { text: string; tokenLogprobs?: number[] }): Generation => ({
    text: answer.text,
    finishReason: "stop",
    promptTokens: 1,
    completionTokens: 1,
    ...(answer.tokenLogprobs ? { tokenLogprobs: answer.tokenLogprobs } : {}),
  });
  const backend: ScriptedBackend = {
    id: options.id,
    kind: options.kind ?? "gpu",
    model: `${options.id}-model`,
    contextTokens: 1024,
    weight: options.weight ?? 1,
    subrequestsPerCall: options.subrequestsPerCall ?? 1,
    calls,
    async generate(prompt: string, decoding: Decoding): Promise<Generation> {
      calls.push({ method: "generate", prompts: [prompt], decoding });
      return toGeneration(await step());
    },
    async score(requests: ScoreRequest[]): Promise<ScoredContinuation[]> {
      calls.push({ method: "score", prompts: requests.map((request) => request.context + request.continuation) });
      await step();
      return requests.map((request) => ({ tokens: [request.continuation], logprobs: [-1], logprob: -1, promptTokens: 2 }));
    },
    async health() {
      return { ok: true };
    },
  };
  if (options.many) {
    backend.generateMany = async (prompts: string[], decoding: Decoding) => {
      calls.push({ method: "generateMany", prompts, decoding });
      const answer = await step();
      return prompts.map((prompt) => toGeneration({ text: `${answer.text}:${prompt}` }));
    };
  }
  return backend;
}
