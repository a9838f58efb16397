import { z } from "zod";
import { ApiError } from "../errors/api-error";
import type { GpuSettings } from "../model/gpu/gpu-backend";
import { parseJsonVar, trimSlash } from "./parse-json-var";

const entrySchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, "use letters, digits, - and _"),
  url: z.url(),
  model: z.string().min(1).optional(),
  weight: z.number().positive().default(1),
  api_key_secret: z.string().min(1).optional(),
  timeout_ms: z.int().positive().optional(),
  context_tokens: z.int().positive().optional(),
});

const listSchema = z.array(entrySchema).min(1);

/** One checked `GPU_BACKENDS` entry, before defaults and secrets are applied. */
export type GpuBackendEntry = z.infer<typeof entrySchema>;

/**
 * Checks the `GPU_BACKENDS` var against the Worker's schema (a non-empty JSON
 * list of entries with unique names) without reading any secret, so the
 * deploy can refuse what the Worker would refuse at its first request.
 *
 * @example
 * readGpuBackendEntries('[{"name":"tgi","url":"https://tgi.acme.dev","api_key_secret":"TGI_KEY"}]')[0]?.api_key_secret; // "TGI_KEY"
 * readGpuBackendEntries('[{"name":"a","url":"http://a"},{"name":"a","url":"http://b"}]'); // throws config_error "'a' appears twice"
 */
export function readGpuBackendEntries(raw: string): GpuBackendEntry[] {
  const entries = parseJsonVar("GPU_BACKENDS", raw, listSchema) ?? [];
  const names = new Set<string>();
  for (const { name } of entries) {
    if (names.has(name)) throw new ApiError("config_error", `invalid configuration GPU_BACKENDS: '${name}' appears twice`);
    names.add(name);
  }
  return entries;
}

/**
 * Parses the `GPU_BACKENDS` var: several OpenAI-compatible servers (vLLM
 * replicas, a TGI beside them), each `gpu:<name>`, with a weight for the
 * weighted choice and optionally the name of the secret holding its key.
 *
 * @example
 * parseGpuBackends('[{"name":"vllm-a","url":"http://a:8000","weight":2}]', defaults, readSecret);
 * // [{ id: "gpu:vllm-a", baseUrl: "http://a:8000", weight: 2, model: "gpt2", ... }]
 */
export function parseGpuBackends(
  raw: string,
  defaults: { model: string; timeoutMs: number; contextTokens: number },
  readSecret: (name: string) => string | undefined,
): GpuSettings[] {
  return readGpuBackendEntries(raw).map((entry) => {
    const apiKey = entry.api_key_secret ? readSecret(entry.api_key_secret) : undefined;
    if (entry.api_key_secret && !apiKey) {
      throw new ApiError("config_error", `invalid configuration GPU_BACKENDS: secret ${entry.api_key_secret} is not set`);
    }
    return {
      id: `gpu:${entry.name}`,
      weight: entry.weight,
      baseUrl: trimSlash(entry.url),
      model: entry.model ?? defaults.model,
      apiKey,
      timeoutMs: entry.timeout_ms ?? defaults.timeoutMs,
      contextTokens: entry.context_tokens ?? defaults.contextTokens,
    };
  });
}
