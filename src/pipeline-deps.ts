import type { Config } from "./env";
import { createBackends } from "./model/create-backends";
import { gpt2Tokenizer } from "./model/tokenizer";
import type { PipelineDeps } from "./pipeline";
import { CircuitBreakers, type BreakerSettings } from "./routing/circuit-breaker";

/** Circuit state lives per isolate, shared by all requests it serves (one set per breaker settings). */
const breakerSets = new Map<string, CircuitBreakers>();

function breakersFor(settings: BreakerSettings): CircuitBreakers {
  const key = JSON.stringify(settings);
  let set = breakerSets.get(key);
  if (!set) breakerSets.set(key, (set = new CircuitBreakers(settings)));
  return set;
}

/**
 * What the pipeline needs for one request, a sync batch or a queue message:
 * the configured backends, the tokenizer, this isolate's breakers, real time.
 * Batches pass `coalesce` so their GPU calls share prompt-array requests,
 * and `subrequestLimit` so they stay under the Workers subrequest limit.
 *
 * @example
 * const run = await runTask(task, input, options, createPipelineDeps(config));
 */
export function createPipelineDeps(config: Config, options: { coalesce?: number; subrequestLimit?: number } = {}): PipelineDeps {
  const subrequests = options.subrequestLimit ? { remaining: options.subrequestLimit, limit: options.subrequestLimit } : undefined;
  return {
    config,
    backends: createBackends(config, { coalesce: options.coalesce, subrequests }),
    tokenizer: gpt2Tokenizer,
    breakers: breakersFor(config.breaker),
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  };
}
