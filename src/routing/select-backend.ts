import { ApiError } from "../errors";
import type { BackendKind, InferenceBackend } from "../model/backend";
import type { BackendSet } from "../model/create-backends";

/** What a client may ask for. */
export type BackendChoice = "auto" | BackendKind;

/**
 * Picks the backend for one request: the named one, or for `auto` the
 * configured default, then any other that exists. A named backend that is
 * not configured is a 503, never a silent substitution.
 *
 * @example
 * selectBackend("auto", { gpu }, "gpu").id; // "gpu"
 */
export function selectBackend(choice: BackendChoice, backends: BackendSet, preferred: BackendKind): InferenceBackend {
  if (choice !== "auto") {
    const named = backends[choice];
    if (!named) {
      throw new ApiError("backend_unavailable", `the ${choice} backend is not configured on this deployment`, {
        backend: choice,
      });
    }
    return named;
  }
  const fallback: BackendKind = preferred === "gpu" ? "edge" : "gpu";
  const chosen = backends[preferred] ?? backends[fallback];
  if (!chosen) throw new ApiError("backend_unavailable", "no backend is configured on this deployment");
  return chosen;
}
