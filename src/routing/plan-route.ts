import type { BackendKind } from "../model/backend";
import type { TaskName } from "../prompts/types";

/** A backend as routing sees it: no I/O, only what the policy weighs. */
export interface RouteCandidate {
  id: string;
  kind: BackendKind;
  weight: number;
  /** False while the backend's circuit breaker is open. */
  healthy: boolean;
  /** Most tokens (prompt + new) it takes, when it has a limit below its context (the edge's memory plan). */
  maxTokens?: number;
}

/** The request facts the policy decides on. */
export interface RouteRequest {
  task: TaskName;
  choice: "auto" | BackendKind;
  /** Prompt tokens plus requested new tokens; read only for `auto` with an edge candidate. */
  totalTokens: number;
  /** Client latency budget, when given. */
  deadlineMs?: number;
}

/** Tunables of the policy (wrangler.toml vars). */
export interface RoutingPolicy {
  taskTable: Readonly<Record<TaskName, BackendKind>>;
  /** Most tokens (prompt + new) the edge model takes before a request goes to the GPU. */
  edgeTokenBudget: number;
  /** Expected edge cost per token (prefill and decode averaged), for the latency budget. */
  edgeMsPerToken: number;
}

/** An ordered list of backend ids to try, and why. */
export interface RoutePlan {
  plan: string[];
  reason: string;
}

/**
 * Orders the backends for one request. A named kind keeps only that kind.
 * `auto` starts from the task table, moves the edge behind the GPU when the
 * request exceeds the edge token budget or its deadline, and puts backends
 * with an open circuit last. Within a kind, GPU replicas are ordered by a
 * weighted draw among the healthy ones (`random` makes it testable).
 *
 * @example
 * planRoute({ task: "choose", choice: "auto", totalTokens: 40 }, candidates, policy, Math.random);
 * // { plan: ["edge", "gpu:vllm-a"], reason: "task table: choose runs on edge" }
 */
export function planRoute(request: RouteRequest, candidates: RouteCandidate[], policy: RoutingPolicy, random: () => number): RoutePlan {
  const byKind = (kind: BackendKind) =>
    orderByWeight(
      candidates.filter((c) => c.kind === kind),
      random,
    );
  if (request.choice !== "auto") {
    return { plan: healthyFirst(byKind(request.choice)), reason: `requested ${request.choice}` };
  }
  let preferred = policy.taskTable[request.task];
  let reason = `task table: ${request.task} runs on ${preferred}`;
  const edgeMs = request.totalTokens * policy.edgeMsPerToken;
  const edgeMemory = Math.min(...candidates.filter((c) => c.kind === "edge").map((c) => c.maxTokens ?? Infinity));
  if (preferred === "edge" && request.totalTokens > policy.edgeTokenBudget) {
    preferred = "gpu";
    reason = `${request.totalTokens} tokens exceed the edge budget of ${policy.edgeTokenBudget}`;
  } else if (preferred === "edge" && request.totalTokens > edgeMemory) {
    preferred = "gpu";
    reason = `${request.totalTokens} tokens exceed the edge memory context of ${edgeMemory}`;
  } else if (preferred === "edge" && request.deadlineMs !== undefined && edgeMs > request.deadlineMs) {
    preferred = "gpu";
    reason = `edge estimate ${Math.round(edgeMs)} ms exceeds the ${request.deadlineMs} ms deadline`;
  }
  const other: BackendKind = preferred === "edge" ? "gpu" : "edge";
  const ordered = healthyFirst([...byKind(preferred), ...byKind(other)]);
  const first = ordered[0] && candidates.find((c) => c.id === ordered[0]);
  if (first && first.kind !== preferred) reason += `; no healthy ${preferred} backend, using ${first.kind}`;
  return { plan: ordered, reason };
}

/** Healthy backends keep their order ahead of unhealthy ones, which stay as a last resort. */
function healthyFirst(ordered: RouteCandidate[]): string[] {
  return [...ordered.filter((c) => c.healthy), ...ordered.filter((c) => !c.healthy)].map((c) => c.id);
}

/** Weighted sampling without replacement (Efraimidis–Spirakis keys). */
function orderByWeight(candidates: RouteCandidate[], random: () => number): RouteCandidate[] {
  return candidates
    .map((candidate) => ({ candidate, key: random() ** (1 / Math.max(candidate.weight, 1e-9)) }))
    .sort((a, b) => b.key - a.key)
    .map((entry) => entry.candidate);
}
