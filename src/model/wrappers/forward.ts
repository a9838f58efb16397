import type { InferenceBackend } from "../backend";

/**
 * A wrapper's starting point: the backend's identity and every method,
 * bound to it, so a wrapper replaces only what it changes.
 *
 * @example
 * return { ...forward(backend), score: (requests, signal) => backend.score(requests, signal) };
 */
export function forward(backend: InferenceBackend): InferenceBackend {
  return {
    id: backend.id,
    kind: backend.kind,
    model: backend.model,
    contextTokens: backend.contextTokens,
    weight: backend.weight,
    subrequestsPerCall: backend.subrequestsPerCall,
    generate: (prompt, decoding, signal) => backend.generate(prompt, decoding, signal),
    ...(backend.generateMany ? { generateMany: backend.generateMany.bind(backend) } : {}),
    score: (requests, signal) => backend.score(requests, signal),
    health: (signal) => backend.health(signal),
    ...(backend.complete ? { complete: backend.complete.bind(backend) } : {}),
    ...(backend.isAvailable ? { isAvailable: backend.isAvailable.bind(backend) } : {}),
    ...(backend.tokenLimit ? { tokenLimit: backend.tokenLimit.bind(backend) } : {}),
  };
}
