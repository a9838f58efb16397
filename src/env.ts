import { z } from "zod";
import { ApiError } from "./errors";

/**
 * Worker bindings, as declared in wrangler.toml (vars are strings) plus the
 * optional secret `GPU_API_KEY` (`wrangler secret put GPU_API_KEY`).
 */
export interface Env {
  GPU_BASE_URL?: string;
  GPU_MODEL?: string;
  GPU_API_KEY?: string;
  GPU_TIMEOUT_MS?: string;
  GPU_CONTEXT_TOKENS?: string;
  DEFAULT_BACKEND?: string;
  MAX_BODY_BYTES?: string;
  MAX_CANDIDATES?: string;
  /** R2 bucket holding edge models (ONNX). */
  MODELS?: R2Bucket;
  EDGE_MODEL_KEY?: string;
  EDGE_MODEL?: string;
  EDGE_CONTEXT_TOKENS?: string;
}

const intVar = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const configSchema = z.object({
  GPU_BASE_URL: z.url().optional(),
  GPU_MODEL: z.string().min(1).default("gpt2"),
  GPU_API_KEY: z.string().min(1).optional(),
  GPU_TIMEOUT_MS: intVar(30_000),
  GPU_CONTEXT_TOKENS: intVar(1024),
  DEFAULT_BACKEND: z.enum(["edge", "gpu"]).default("gpu"),
  MAX_BODY_BYTES: intVar(256 * 1024),
  MAX_CANDIDATES: intVar(32),
  EDGE_MODEL_KEY: z.string().min(1).optional(),
  EDGE_MODEL: z.string().min(1).default("distilgpt2"),
  EDGE_CONTEXT_TOKENS: intVar(1024),
});

/** Settings of the remote GPU backend, absent when `GPU_BASE_URL` is unset. */
export interface GpuSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  contextTokens: number;
}

/** Settings of the in-Worker model, absent without a `MODELS` bucket and `EDGE_MODEL_KEY`. */
export interface EdgeSettings {
  bucket: R2Bucket;
  key: string;
  model: string;
  contextTokens: number;
}

/** Parsed, validated configuration. */
export interface Config {
  gpu?: GpuSettings;
  edge?: EdgeSettings;
  defaultBackend: "edge" | "gpu";
  maxBodyBytes: number;
  maxCandidates: number;
}

/** Hono's type parameter for this app. */
export interface AppEnv {
  Bindings: Env;
  Variables: { config: Config };
}

/**
 * Reads and checks the bindings once per request; a bad var is the operator's
 * mistake, reported as a `config_error` naming the var.
 *
 * @example
 * loadConfig({ GPU_BASE_URL: "http://127.0.0.1:8000" }).gpu?.model; // "gpt2"
 */
export function loadConfig(env: Env): Config {
  const { MODELS: bucket, ...vars } = env;
  const parsed = configSchema.safeParse(emptyToUndefined(vars));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError("config_error", `invalid configuration ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const data = parsed.data;
  return {
    gpu: data.GPU_BASE_URL
      ? {
          baseUrl: data.GPU_BASE_URL.replace(/\/+$/, ""),
          model: data.GPU_MODEL,
          apiKey: data.GPU_API_KEY,
          timeoutMs: data.GPU_TIMEOUT_MS,
          contextTokens: data.GPU_CONTEXT_TOKENS,
        }
      : undefined,
    edge:
      bucket && data.EDGE_MODEL_KEY
        ? { bucket, key: data.EDGE_MODEL_KEY, model: data.EDGE_MODEL, contextTokens: data.EDGE_CONTEXT_TOKENS }
        : undefined,
    defaultBackend: data.DEFAULT_BACKEND,
    maxBodyBytes: data.MAX_BODY_BYTES,
    maxCandidates: data.MAX_CANDIDATES,
  };
}

function emptyToUndefined(env: Omit<Env, "MODELS">): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, typeof value === "string" && value.trim() === "" ? undefined : value]),
  );
}
