import type { Config } from "../env";
import type { BackendKind, InferenceBackend } from "./backend";
import { createEdgeBackend } from "./edge/edge-backend";
import { loadRunnerFromR2 } from "./edge/load-from-r2";
import { createGpuBackend } from "./gpu/gpu-backend";

/** The backends a deployment has configured, by kind. */
export type BackendSet = Partial<Record<BackendKind, InferenceBackend>>;

/**
 * Builds the configured backends; a kind without configuration is absent.
 * Cheap: the edge model itself is loaded on first use and cached per isolate.
 *
 * @example
 * createBackends(loadConfig(env)).gpu?.model; // "gpt2"
 */
export function createBackends(config: Config, fetchImpl?: typeof fetch): BackendSet {
  const { gpu, edge } = config;
  return {
    ...(gpu ? { gpu: createGpuBackend(gpu, fetchImpl) } : {}),
    ...(edge
      ? {
          edge: createEdgeBackend({
            model: edge.model,
            contextTokens: edge.contextTokens,
            loadRunner: () => loadRunnerFromR2(edge.bucket, edge.key),
          }),
        }
      : {}),
  };
}
