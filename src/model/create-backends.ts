import type { Config } from "../env";
import type { BackendKind, InferenceBackend } from "./backend";
import { createGpuBackend } from "./gpu/gpu-backend";

/** The backends a deployment has configured, by kind. */
export type BackendSet = Partial<Record<BackendKind, InferenceBackend>>;

/**
 * Builds the configured backends; a kind without configuration is absent.
 *
 * @example
 * createBackends(loadConfig(env)).gpu?.model; // "gpt2"
 */
export function createBackends(config: Config, fetchImpl?: typeof fetch): BackendSet {
  return {
    ...(config.gpu ? { gpu: createGpuBackend(config.gpu, fetchImpl) } : {}),
  };
}
