import { createBackends, type BackendSettings } from "../model/create-backends";
import type { InferenceBackend } from "../model/backend";
import { gpt2Tokenizer, type Tokenizer } from "../model/tokenizer";
import { withCoalescing } from "../model/wrappers/with-coalescing";
import { withSubrequestBudget } from "../model/wrappers/with-subrequest-budget";
import { CircuitBreakers, type BreakerSettings } from "../routing/circuit-breaker";
import type { ExecutionDeps, ExecutionSettings } from "../routing/execute-plan";
import type { RoutingPolicy } from "../routing/plan-route";
import type { EscalationSettings } from "./escalate";

/** What the pipeline is configured with: its backends and the policies it runs them under. */
export interface PipelineSettings extends BackendSettings {
  routing: RoutingPolicy;
  execution: ExecutionSettings;
  breaker: BreakerSettings;
  escalation: EscalationSettings;
  /** Most candidates one `choose` request may list. */
  maxCandidates: number;
}

/** What the pipeline needs from its surroundings; time and chance are injected for tests. */
export interface PipelineDeps extends ExecutionDeps {
  settings: PipelineSettings;
  backends: InferenceBackend[];
  tokenizer: Tokenizer;
}

/** Circuit state lives per isolate, shared by all requests it serves (one set per breaker settings). */
const breakerSets = new Map<string, CircuitBreakers>();

function breakersFor(settings: BreakerSettings): CircuitBreakers {
  const key = JSON.stringify(settings);
  const known = breakerSets.get(key);
  if (known) return known;
  const created = new CircuitBreakers(settings);
  breakerSets.set(key, created);
  return created;
}

/** Plain deps hold no per-request state, so single requests share one set per settings object. */
const plainDeps = new WeakMap<PipelineSettings, PipelineDeps>();

/**
 * What the pipeline needs for one request, a sync batch or a queue message:
 * the configured backends, the tokenizer, this isolate's breakers, real time.
 * Batches pass `coalesce` so concurrent calls share prompt-array requests,
 * and `subrequestLimit` so the invocation stays under the Workers
 * subrequest limit; both wrap the backends, which never know.
 *
 * @example
 * const run = await runTask(task, input, options, createPipelineDeps(config));
 */
export function createPipelineDeps(
  settings: PipelineSettings,
  options: { coalesce?: number; subrequestLimit?: number } = {},
): PipelineDeps {
  const { coalesce, subrequestLimit } = options;
  if (!coalesce && !subrequestLimit) {
    const known = plainDeps.get(settings);
    if (known) return known;
    const created = buildDeps(settings, undefined, undefined);
    plainDeps.set(settings, created);
    return created;
  }
  return buildDeps(settings, coalesce, subrequestLimit);
}

function buildDeps(settings: PipelineSettings, coalesce: number | undefined, subrequestLimit: number | undefined): PipelineDeps {
  const budget = subrequestLimit ? { remaining: subrequestLimit, limit: subrequestLimit } : undefined;
  const backends = createBackends(settings)
    .map((backend) => (budget ? withSubrequestBudget(backend, budget) : backend))
    .map((backend) => (coalesce ? withCoalescing(backend, coalesce) : backend));
  return {
    settings,
    backends,
    tokenizer: gpt2Tokenizer,
    breakers: breakersFor(settings.breaker),
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  };
}
