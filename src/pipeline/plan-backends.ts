import { ApiError } from "../errors/api-error";
import type { InferenceBackend } from "../model/backend";
import type { ExecutionSettings } from "../routing/execute-plan";
import { planRoute, type RoutePlan, type RouteRequest } from "../routing/plan-route";
import type { PipelineDeps } from "./create-pipeline-deps";

/**
 * The routing policy's order of `candidates` for one request: their health
 * (breakers, availability) and the edge's memory limit as routing sees them,
 * the plan and its reason, and the backends in plan order.
 *
 * @example
 * const { route, ordered } = planBackends({ task: "answer", choice: "auto", totalTokens: 40 }, candidates, deps);
 */
export function planBackends(
  request: RouteRequest,
  candidates: InferenceBackend[],
  deps: PipelineDeps,
): { route: RoutePlan; ordered: InferenceBackend[] } {
  const now = deps.now();
  const route = planRoute(
    request,
    candidates.map((b) => ({
      id: b.id,
      kind: b.kind,
      weight: b.weight,
      healthy: deps.breakers.isHealthy(b.id, now) && (b.isAvailable?.() ?? true),
      maxTokens: b.tokenLimit?.(),
    })),
    deps.settings.routing,
    deps.random,
  );
  return { route, ordered: route.plan.map((id) => candidates.find((b) => b.id === id) as InferenceBackend) };
}

/**
 * The configured execution settings under the client's own deadline, when it gave a shorter one.
 *
 * @example
 * executePlan(ordered, work, withinDeadline(deps.settings.execution, options.deadlineMs), deps);
 */
export function withinDeadline(settings: ExecutionSettings, deadlineMs: number | undefined): ExecutionSettings {
  return { ...settings, deadlineMs: Math.min(deadlineMs ?? Infinity, settings.deadlineMs) };
}

/**
 * Keeps a streamed run honest: `relay` marks that a piece reached the
 * client, and `settle` then turns a failure into a `backend_error` the
 * executor passes straight up, since a stream already started can be
 * neither retried nor replaced without the client seeing two answers.
 *
 * @example
 * const guard = createStreamGuard();
 * await guard.settle(backend.complete(request, { onDelta: guard.relay(send) }), backend);
 */
export function createStreamGuard() {
  let started = false;
  return {
    relay<A extends unknown[]>(send: (...args: A) => void): (...args: A) => void {
      return (...args) => {
        started = true;
        send(...args);
      };
    },
    settle<T>(work: Promise<T>, backend: InferenceBackend): Promise<T> {
      return work.catch((error: unknown) => {
        if (!started) throw error;
        throw new ApiError(
          "backend_error",
          `the stream broke after it started: ${(error as Error).message}`,
          { backend: backend.id },
          { cause: error },
        );
      });
    },
  };
}
