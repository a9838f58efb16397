import { describe, expect, it } from "vitest";
import { planRoute, type RouteCandidate, type RoutingPolicy } from "../../src/routing/plan-route";
import { DEFAULT_TASK_TABLE } from "../../src/routing/task-table";

const policy: RoutingPolicy = { taskTable: DEFAULT_TASK_TABLE, edgeTokenBudget: 512, edgeMsPerToken: 80 };
const candidates: RouteCandidate[] = [
  { id: "gpu:a", kind: "gpu", weight: 3, healthy: true },
  { id: "gpu:b", kind: "gpu", weight: 1, healthy: true },
  { id: "edge", kind: "edge", weight: 1, healthy: true },
];
const fixed = () => 0.5;

describe("planRoute", () => {
  it.each([
    ["choose", "edge"],
    ["score", "edge"],
    ["complete", "edge"],
    ["answer", "gpu"],
    ["translate", "gpu"],
    ["summarize", "gpu"],
    ["read", "gpu"],
  ] as const)("auto sends %s to %s first, with the other kind as fallback", (task, kind) => {
    const { plan, reason } = planRoute({ task, choice: "auto", totalTokens: 50 }, candidates, policy, fixed);
    expect(plan).toHaveLength(3);
    expect(plan[0]?.startsWith(kind)).toBe(true);
    expect(plan.at(-1)?.startsWith(kind)).toBe(false);
    expect(reason).toBe(`task table: ${task} runs on ${kind}`);
  });

  it("moves an edge task to the GPU beyond the context the edge model's memory allows", () => {
    const capped = candidates.map((c) => (c.kind === "edge" ? { ...c, maxTokens: 158 } : c));
    expect(planRoute({ task: "score", choice: "auto", totalTokens: 158 }, capped, policy, fixed).plan[0]).toBe("edge");
    const { plan, reason } = planRoute({ task: "score", choice: "auto", totalTokens: 159 }, capped, policy, fixed);
    expect(plan).toEqual(["gpu:a", "gpu:b", "edge"]);
    expect(reason).toBe("159 tokens exceed the edge memory context of 158");
  });

  it("moves an edge task to the GPU beyond the edge token budget", () => {
    const { plan, reason } = planRoute({ task: "choose", choice: "auto", totalTokens: 600 }, candidates, policy, fixed);
    expect(plan.at(-1)).toBe("edge");
    expect(reason).toContain("600 tokens exceed the edge budget of 512");
  });

  it("moves an edge task to the GPU when the edge would miss the deadline", () => {
    const { plan, reason } = planRoute({ task: "score", choice: "auto", totalTokens: 100, deadlineMs: 2000 }, candidates, policy, fixed);
    expect(plan[0]?.startsWith("gpu")).toBe(true);
    expect(reason).toContain("8000 ms exceeds the 2000 ms deadline");
  });

  it("keeps only the named kind", () => {
    expect(planRoute({ task: "choose", choice: "gpu", totalTokens: 10 }, candidates, policy, fixed).plan.sort()).toEqual([
      "gpu:a",
      "gpu:b",
    ]);
    expect(planRoute({ task: "answer", choice: "edge", totalTokens: 10 }, candidates, policy, fixed).plan).toEqual(["edge"]);
  });

  it("puts backends with an open circuit last and says so", () => {
    const sick = candidates.map((c) => (c.kind === "gpu" ? { ...c, healthy: false } : c));
    const { plan, reason } = planRoute({ task: "answer", choice: "auto", totalTokens: 10 }, sick, policy, fixed);
    expect(plan[0]).toBe("edge");
    expect(reason).toContain("no healthy gpu backend, using edge");
  });

  it("chooses GPU replicas in proportion to their weights", () => {
    let state = 1;
    const random = () => {
      state = (state * 16807) % 2147483647;
      return state / 2147483647;
    };
    const firsts = Array.from(
      { length: 4000 },
      () => planRoute({ task: "answer", choice: "gpu", totalTokens: 1 }, candidates, policy, random).plan[0],
    );
    const share = firsts.filter((id) => id === "gpu:a").length / firsts.length;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
  });
});
