import type { InferenceBackend } from "./backend";
import { createEdgeBackend } from "./edge/edge-backend";
import { edgeContextLimit, loadEdgeModel, type EdgeModelSource } from "./edge/load-from-r2";
import { edgeRefusal, type MemoryBudget } from "./edge/memory-budget";
import { createGpuBackend, type GpuSettings } from "./gpu/gpu-backend";

/** Settings of the in-Worker model, absent without a `MODELS` bucket and `EDGE_MODEL_KEY`. */
export interface EdgeSettings {
  bucket: R2Bucket;
  key: string;
  firstPassKey?: string;
  model: string;
  contextTokens: number;
  memory: MemoryBudget;
}

/** Every backend a deployment has: the GPU servers and, optionally, the edge model. */
export interface BackendSettings {
  gpu: GpuSettings[];
  edge?: EdgeSettings;
}

/**
 * Builds every configured backend: each GPU server, then the edge model.
 * Cheap: the edge model itself is loaded on first use and cached per isolate.
 *
 * @example
 * createBackends(loadConfig(env)).map((backend) => backend.id); // ["gpu:vllm-a", "gpu:vllm-b", "edge"]
 */
export function createBackends(settings: BackendSettings, fetchImpl?: typeof fetch): InferenceBackend[] {
  return [...settings.gpu.map((gpu) => createGpuBackend(gpu, fetchImpl)), ...(settings.edge ? [createEdge(settings.edge)] : [])];
}

function createEdge(edge: EdgeSettings): InferenceBackend {
  const source: EdgeModelSource = {
    bucket: edge.bucket,
    key: edge.key,
    firstPassKey: edge.firstPassKey,
    budget: edge.memory,
    contextTokens: edge.contextTokens,
  };
  return createEdgeBackend({
    model: edge.model,
    contextTokens: edge.contextTokens,
    load: () => loadEdgeModel(source),
    isAvailable: () => edgeRefusal(edge.key, edge.memory) === undefined,
    tokenLimit: () => edgeContextLimit(source),
  });
}
