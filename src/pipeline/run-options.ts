import type { BackendKind } from "../model/backend";
import type { DecodingOverrides } from "../prompts/decoding";

/**
 * How a client wants one task run, in the core's terms: the HTTP layer maps
 * its snake_case `options` onto this before calling `runTask`. The decoding
 * fields (`maxTokens`, `temperature`, `topK`, `topP`, `seed`, `stop`) override
 * the task's paper rule.
 *
 * @example
 * const options: RunOptions = { backend: "auto", maxTokens: 20, stop: ["\n"], deadlineMs: 2000 };
 */
export interface RunOptions extends DecodingOverrides {
  /** Where to run: `auto` lets the routing policy pick. */
  backend: "auto" | BackendKind;
  /** Latency budget of the whole run, retries and fallbacks included. */
  deadlineMs?: number;
  /** Re-run on the GPU when the edge answer is too unsure. */
  escalate?: boolean;
  /** complete: skip stop words when predicting the last word. */
  stopwordFilter?: boolean;
}
