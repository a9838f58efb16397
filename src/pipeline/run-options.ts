import type { BackendKind } from "../model/backend";

/**
 * How a client wants one task run, in the core's terms: the HTTP layer maps
 * its snake_case `options` onto this before calling `runTask`.
 *
 * @example
 * const options: RunOptions = { backend: "auto", maxTokens: 20, stop: ["\n"], deadlineMs: 2000 };
 */
export interface RunOptions {
  /** Where to run: `auto` lets the routing policy pick. */
  backend: "auto" | BackendKind;
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Extra stop strings, added to the task's own. */
  stop?: string[];
  /** Latency budget of the whole run, retries and fallbacks included. */
  deadlineMs?: number;
  /** Re-run on the GPU when the edge answer is too unsure. */
  escalate?: boolean;
  /** complete: skip stop words when predicting the last word. */
  stopwordFilter?: boolean;
}
