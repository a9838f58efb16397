import { APICallError } from "../api-call-error";
import type { InferenceBackend } from "../backend";
import { forward } from "./forward";

/** Subrequests left to one Worker invocation, shared by every backend it uses. */
export interface SubrequestBudget {
  remaining: number;
  readonly limit: number;
}

/**
 * Wraps a backend so that each call first spends its `subrequestsPerCall`
 * from a budget shared across the invocation (Workers allow 1,000
 * subrequests per invocation on paid plans). Once spent, calls fail at once
 * with a non-retryable `unavailable` error instead of failing at the
 * platform limit halfway through a batch. Wrap it inside `withCoalescing`,
 * so a grouped call spends once.
 *
 * @example
 * const budget = { remaining: 900, limit: 900 };
 * const backends = gpus.map((gpu) => withCoalescing(withSubrequestBudget(gpu, budget), 64));
 */
export function withSubrequestBudget(backend: InferenceBackend, budget: SubrequestBudget): InferenceBackend {
  const spend = (): void => {
    const cost = backend.subrequestsPerCall;
    if (cost === 0) return;
    if (budget.remaining < cost) {
      throw new APICallError({
        backend: backend.id,
        failure: "unavailable",
        message: `the subrequest budget of ${budget.limit} for this request is spent`,
        isRetryable: false,
      });
    }
    budget.remaining -= cost;
  };
  const generateMany = backend.generateMany?.bind(backend);
  const complete = backend.complete?.bind(backend);
  return {
    ...forward(backend),
    generate: async (prompt, decoding, signal) => {
      spend();
      return backend.generate(prompt, decoding, signal);
    },
    ...(generateMany
      ? {
          generateMany: async (prompts, decoding, signal) => {
            spend();
            return generateMany(prompts, decoding, signal);
          },
        }
      : {}),
    score: async (requests, signal) => {
      spend();
      return backend.score(requests, signal);
    },
    ...(complete
      ? {
          complete: async (request, options) => {
            spend();
            return complete(request, options);
          },
        }
      : {}),
  };
}
