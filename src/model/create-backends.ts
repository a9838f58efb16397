import type { Config, EdgeSettings } from "../env";
import type { InferenceBackend } from "./backend";
import { createEdgeBackend } from "./edge/edge-backend";
import { edgeContextLimit, loadEdgeModel, type EdgeModelSource } from "./edge/load-from-r2";
import { edgeRefusal } from "./edge/memory-budget";
import { createGpuBackend } from "./gpu/gpu-backend";

/**
 * Builds every configured backend: each GPU server, then the edge model.
 * Cheap: the edge model itself is loaded on first use and cached per isolate.
 * `coalesce` groups concurrent GPU calls into prompt-array requests (batches).
 *
 * @example
 * createBackends(loadConfig(env)).map((backend) => backend.id); // ["gpu:vllm-a", "gpu:vllm-b", "edge"]
 */
export function createBackends(
  config: Config,
  options: { fetch?: typeof fetch; coalesce?: number; subrequests?: { remaining: number; limit: number } } = {},
): InferenceBackend[] {
  const gpuOptions = { coalesce: options.coalesce, subrequests: options.subrequests };
  return [
    ...config.gpu.map((settings) => createGpuBackend(settings, options.fetch, settings.id, gpuOptions)),
    ...(config.edge ? [createEdge(config.edge)] : []),
  ];
}

function createEdge(edge: EdgeSettings): InferenceBackend {
  const source: EdgeModelSource = { bucket: edge.bucket, key: edge.key, firstPassKey: edge.firstPassKey, budget: edge.memory, contextTokens: edge.contextTokens };
  return createEdgeBackend({
    model: edge.model,
    contextTokens: edge.contextTokens,
    load: () => loadEdgeModel(source),
    isAvailable: () => edgeRefusal(edge.key, edge.memory) === undefined,
    tokenLimit: () => edgeContextLimit(source),
  });
}
