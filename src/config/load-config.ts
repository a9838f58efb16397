import { z } from "zod";
import { ApiError } from "../errors/api-error";
import { describeFirstIssue } from "../errors/describe-issue";
import { DEFAULT_TASK_TABLE } from "../routing/task-table";
import type { Config, Env } from "./env";
import { parseApiKeys } from "./parse-api-keys";
import { parseGpuBackends } from "./parse-gpu-backends";
import { parseJsonVar, trimSlash } from "./parse-json-var";

const intVar = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const varsSchema = z.object({
  GPU_BASE_URL: z.url().optional(),
  GPU_MODEL: z.string().min(1).default("gpt2"),
  GPU_API_KEY: z.string().min(1).optional(),
  GPU_TIMEOUT_MS: intVar(30_000),
  GPU_CONTEXT_TOKENS: intVar(1024),
  GPU_BACKENDS: z.string().optional(),
  MAX_BODY_BYTES: intVar(256 * 1024),
  MAX_CANDIDATES: intVar(32),
  EDGE_MODEL_KEY: z.string().min(1).optional(),
  EDGE_FIRST_PASS_MODEL_KEY: z.string().min(1).optional(),
  EDGE_MODEL: z.string().min(1).default("distilgpt2"),
  EDGE_CONTEXT_TOKENS: intVar(1024),
  EDGE_MEMORY_BUDGET_MB: z.coerce.number().positive().default(128),
  // Measured in workerd through its inspector (npm run bench:edge -- --memory): ORT's wasm memory
  // beside an ORT-format model's bytes, and the isolate's JS heap with the router loaded.
  EDGE_MEMORY_RUNTIME_MB: z.coerce.number().nonnegative().default(11),
  EDGE_MEMORY_JS_MB: z.coerce.number().nonnegative().default(11),
  TASK_BACKENDS: z.string().optional(),
  EDGE_TOKEN_BUDGET: intVar(512),
  EDGE_MS_PER_TOKEN: z.coerce.number().positive().default(80),
  RETRY_MAX_TRIES: intVar(3),
  RETRY_BACKOFF_MS: intVar(100),
  RETRY_BACKOFF_MAX_MS: intVar(2000),
  REQUEST_DEADLINE_MS: intVar(60_000),
  BREAKER_FAILURES: intVar(5),
  BREAKER_COOLDOWN_MS: intVar(30_000),
  ESCALATE_MIN_MEAN_LOGPROB: z.coerce.number().default(-2.5),
  ESCALATE_MIN_PROBABILITY: z.coerce.number().min(0).max(1).default(0.5),
  BATCH_MAX_ITEMS: intVar(256),
  BATCH_CONCURRENCY: intVar(64),
  BATCH_MAX_SUBREQUESTS: intVar(900),
  BATCH_MAX_LINES: intVar(50_000),
  // A chunk's failed-line bitmap rides in its R2 custom metadata (2 KiB in all).
  BATCH_CHUNK_LINES: intVar(50).refine((lines) => lines <= 4096, "must be at most 4096"),
  BATCH_MAX_BYTES: intVar(200 * 1024 * 1024),
  BATCH_FAULT_CRASH_AFTER_LINES: z.coerce.number().int().positive().optional(),
  BATCH_CHUNK_CONCURRENCY: intVar(8),
  API_KEYS: z.string().optional(),
  // Cloudflare's rate limiter knows only these two periods.
  RATE_LIMIT_PERIOD_SECONDS: z.coerce
    .number()
    .refine((period) => period === 10 || period === 60, "must be 10 or 60")
    .default(60),
  CORS_ORIGINS: z.string().optional(),
  LOG_PROMPTS: z.enum(["true", "false"]).default("false"),
  METRICS_WINDOW_SECONDS: intVar(300),
});

const taskTableSchema = z.partialRecord(
  z.enum(Object.keys(DEFAULT_TASK_TABLE) as [keyof typeof DEFAULT_TASK_TABLE]),
  z.enum(["edge", "gpu"]),
);

/**
 * Reads and checks the bindings once per request; a bad var is the operator's
 * mistake, reported as a `config_error` naming the var.
 *
 * @example
 * loadConfig({ GPU_BASE_URL: "http://127.0.0.1:8000" }).gpu[0]?.model; // "gpt2"
 */
export function loadConfig(env: Env): Config {
  const { MODELS: bucket, BATCHES: batches, BATCH_QUEUE: queue, RATE_LIMITER: limiter, METRICS: metrics, ...strings } = env;
  const parsed = varsSchema.safeParse(emptyToUndefined(strings));
  if (!parsed.success) throw new ApiError("config_error", `invalid configuration ${describeFirstIssue(parsed.error).message}`);
  const vars = parsed.data;
  const gpuDefaults = { model: vars.GPU_MODEL, timeoutMs: vars.GPU_TIMEOUT_MS, contextTokens: vars.GPU_CONTEXT_TOKENS };
  return {
    gpu: vars.GPU_BACKENDS
      ? parseGpuBackends(vars.GPU_BACKENDS, gpuDefaults, (name) => readSecret(env, name))
      : vars.GPU_BASE_URL
        ? [{ id: "gpu", weight: 1, baseUrl: trimSlash(vars.GPU_BASE_URL), apiKey: vars.GPU_API_KEY, ...gpuDefaults }]
        : [],
    edge:
      bucket && vars.EDGE_MODEL_KEY
        ? {
            bucket,
            key: vars.EDGE_MODEL_KEY,
            firstPassKey: vars.EDGE_FIRST_PASS_MODEL_KEY,
            model: vars.EDGE_MODEL,
            contextTokens: vars.EDGE_CONTEXT_TOKENS,
            memory: {
              budgetMb: vars.EDGE_MEMORY_BUDGET_MB,
              runtimeMb: vars.EDGE_MEMORY_RUNTIME_MB,
              jsHeapMb: vars.EDGE_MEMORY_JS_MB,
            },
          }
        : undefined,
    routing: {
      taskTable: { ...DEFAULT_TASK_TABLE, ...parseJsonVar("TASK_BACKENDS", vars.TASK_BACKENDS, taskTableSchema) },
      edgeTokenBudget: vars.EDGE_TOKEN_BUDGET,
      edgeMsPerToken: vars.EDGE_MS_PER_TOKEN,
    },
    execution: {
      maxTries: vars.RETRY_MAX_TRIES,
      backoffBaseMs: vars.RETRY_BACKOFF_MS,
      backoffMaxMs: vars.RETRY_BACKOFF_MAX_MS,
      deadlineMs: vars.REQUEST_DEADLINE_MS,
    },
    breaker: { failureThreshold: vars.BREAKER_FAILURES, coolDownMs: vars.BREAKER_COOLDOWN_MS },
    escalation: { minMeanLogprob: vars.ESCALATE_MIN_MEAN_LOGPROB, minProbability: vars.ESCALATE_MIN_PROBABILITY },
    syncBatch: { maxItems: vars.BATCH_MAX_ITEMS, concurrency: vars.BATCH_CONCURRENCY, maxSubrequests: vars.BATCH_MAX_SUBREQUESTS },
    asyncBatch: {
      bucket: batches,
      queue,
      maxLines: vars.BATCH_MAX_LINES,
      chunkLines: vars.BATCH_CHUNK_LINES,
      concurrency: vars.BATCH_CHUNK_CONCURRENCY,
      maxBytes: vars.BATCH_MAX_BYTES,
      maxLineBytes: vars.MAX_BODY_BYTES,
      crashAfterLines: vars.BATCH_FAULT_CRASH_AFTER_LINES,
    },
    maxBodyBytes: vars.MAX_BODY_BYTES,
    maxCandidates: vars.MAX_CANDIDATES,
    keys: { digests: parseApiKeys(vars.API_KEYS) },
    rateLimit: { limiter, periodSeconds: vars.RATE_LIMIT_PERIOD_SECONDS },
    corsOrigins: parseCorsOrigins(vars.CORS_ORIGINS),
    logPrompts: vars.LOG_PROMPTS === "true",
    metrics,
    metricsWindowSeconds: vars.METRICS_WINDOW_SECONDS,
  };
}

/** `*`, or comma-separated origins, each `scheme://host[:port]` as a browser sends it in `Origin`. */
function parseCorsOrigins(value: string | undefined): "*" | string[] {
  const origins = (value ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");
  if (origins.length === 1 && origins[0] === "*") return "*";
  const invalid = origins.find((origin) => !isOrigin(origin));
  if (invalid !== undefined) {
    throw new ApiError(
      "config_error",
      `invalid configuration CORS_ORIGINS: '${invalid}' is not an origin like https://app.example.com (or * alone)`,
    );
  }
  return origins;
}

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}

/** Secrets named by GPU_BACKENDS entries are ordinary string bindings. */
function readSecret(env: Env, name: string): string | undefined {
  const value: unknown = Reflect.get(env, name);
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Only string vars reach the schema: R2 buckets, queues and the rate limiter are bindings, not settings. */
function emptyToUndefined(
  vars: Omit<Env, "MODELS" | "BATCHES" | "BATCH_QUEUE" | "RATE_LIMITER" | "METRICS">,
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(vars).map(([key, value]) => [key, typeof value === "string" && value.trim() !== "" ? value : undefined]),
  );
}
