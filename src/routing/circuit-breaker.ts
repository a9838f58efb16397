/** Breaker settings (wrangler.toml vars). */
export interface BreakerSettings {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit rejects before letting one trial through. */
  coolDownMs: number;
}

type BreakerState =
  | { status: "closed"; failures: number }
  | { status: "open"; until: number }
  | { status: "half-open"; trialUntil: number };

/**
 * One circuit breaker per backend id, per isolate: repeated failures open it
 * (requests skip that backend), after the cool-down one trial request is let
 * through (half-open) and its outcome closes or re-opens the circuit.
 *
 * @example
 * const breakers = new CircuitBreakers({ failureThreshold: 5, coolDownMs: 30_000 });
 * if (breakers.allows("gpu:a", Date.now())) ...; breakers.record("gpu:a", false, Date.now());
 */
export class CircuitBreakers {
  private readonly states = new Map<string, BreakerState>();

  constructor(private readonly settings: BreakerSettings) {}

  /** Whether a request may go to `id` now; moving an expired open circuit to half-open. */
  allows(id: string, now: number): boolean {
    const state = this.states.get(id);
    if (!state || state.status === "closed") return true;
    // A trial that never reports back (cancelled request) must not wedge the circuit.
    if (state.status === "half-open" && now < state.trialUntil) return false;
    if (state.status === "open" && now < state.until) return false;
    this.states.set(id, { status: "half-open", trialUntil: now + this.settings.coolDownMs });
    return true;
  }

  /** Whether the policy should treat `id` as healthy (closed, or due for its trial). */
  isHealthy(id: string, now: number): boolean {
    const state = this.states.get(id);
    return !state || state.status === "closed" || (state.status === "open" && now >= state.until);
  }

  record(id: string, ok: boolean, now: number): void {
    const state = this.states.get(id) ?? { status: "closed", failures: 0 };
    if (ok) {
      this.states.set(id, { status: "closed", failures: 0 });
      return;
    }
    const failures = state.status === "closed" ? state.failures + 1 : this.settings.failureThreshold;
    this.states.set(
      id,
      failures >= this.settings.failureThreshold
        ? { status: "open", until: now + this.settings.coolDownMs }
        : { status: "closed", failures },
    );
  }

  /** For logs and tests. */
  describe(id: string): BreakerState["status"] {
    return this.states.get(id)?.status ?? "closed";
  }
}
