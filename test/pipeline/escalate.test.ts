import { describe, expect, it } from "vitest";
import { gpt2Tokenizer } from "../../src/model/tokenizer";
import type { PipelineDeps, PipelineSettings } from "../../src/pipeline/create-pipeline-deps";
import { runTask } from "../../src/pipeline/run-task";
import { answerTask } from "../../src/prompts/answer";
import { summarizeTask } from "../../src/prompts/summarize";
import { DEFAULT_TASK_TABLE } from "../../src/routing/task-table";
import { CircuitBreakers } from "../../src/routing/circuit-breaker";
import { createScriptedBackend, createTestClock, type ScriptedBackend } from "../support/scripted-backend";

const settings: PipelineSettings = {
  gpu: [],
  routing: { taskTable: { ...DEFAULT_TASK_TABLE, answer: "edge" }, edgeTokenBudget: 512, edgeMsPerToken: 1 },
  execution: { maxTries: 1, backoffBaseMs: 1, backoffMaxMs: 1, deadlineMs: 10_000 },
  breaker: { failureThreshold: 5, coolDownMs: 1000 },
  escalation: { minMeanLogprob: -1, minProbability: 0.9 },
  maxCandidates: 8,
};

function depsFor(backends: ScriptedBackend[]): PipelineDeps {
  const clock = createTestClock();
  return {
    settings,
    backends,
    tokenizer: gpt2Tokenizer,
    breakers: new CircuitBreakers(settings.breaker),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
  };
}

const edgeSaying = (tokenLogprobs: number[]) =>
  createScriptedBackend({ id: "edge", kind: "edge", subrequestsPerCall: 0, steps: [{ text: " Marlowe", tokenLogprobs }] });
const gpu = () => createScriptedBackend({ id: "gpu", steps: [{ text: " Shakespeare" }] });

describe("escalation", () => {
  it("re-runs an unsure edge answer on the GPU and reports both", async () => {
    const deps = depsFor([edgeSaying([-3, -2]), gpu()]);
    const run = await runTask(answerTask, { question: "Who wrote Hamlet?" }, { backend: "auto", escalate: true }, deps);
    expect(run.output).toEqual({ answer: "Shakespeare" });
    expect(run.backend.id).toBe("gpu");
    expect(run.route.escalation).toEqual({ from: "edge", to: "gpu", confidence: -2.5, threshold: -1, edgeOutput: { answer: "Marlowe" } });
    expect(run.route.attempts.map((attempt) => attempt.backend)).toEqual(["edge", "gpu"]);
  });

  it("asks the edge for token logprobs only when it may escalate", async () => {
    const edge = edgeSaying([-0.1]);
    await runTask(answerTask, { question: "Who wrote Hamlet?" }, { backend: "auto", escalate: true }, depsFor([edge, gpu()]));
    await runTask(answerTask, { question: "Who wrote Hamlet?" }, { backend: "auto" }, depsFor([edge, gpu()]));
    expect(edge.calls.map((call) => call.decoding?.tokenLogprobs)).toEqual([true, undefined]);
  });

  it("keeps a confident edge answer, and never escalates without the option or a GPU", async () => {
    const sure = await runTask(
      answerTask,
      { question: "Who wrote Hamlet?" },
      { backend: "auto", escalate: true },
      depsFor([edgeSaying([-0.5]), gpu()]),
    );
    expect(sure.backend.id).toBe("edge");
    expect(sure.route.escalation).toBeUndefined();
    const off = await runTask(answerTask, { question: "Who wrote Hamlet?" }, { backend: "auto" }, depsFor([edgeSaying([-9]), gpu()]));
    expect(off.backend.id).toBe("edge");
    const alone = await runTask(
      answerTask,
      { question: "Who wrote Hamlet?" },
      { backend: "auto", escalate: true },
      depsFor([edgeSaying([-9])]),
    );
    expect(alone.route.escalation).toBeUndefined();
  });

  it("leaves tasks without a confidence measure alone", async () => {
    const edge = createScriptedBackend({ id: "edge", kind: "edge", steps: [{ text: " A summary.", tokenLogprobs: [-9] }] });
    const deps = depsFor([edge, gpu()]);
    const run = await runTask(summarizeTask, { text: "A long article." }, { backend: "edge", escalate: true }, deps);
    expect(run.backend.id).toBe("edge");
    expect(run.route.escalation).toBeUndefined();
  });
});
