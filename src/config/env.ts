import type { AsyncBatchSettings, BatchMessage } from "../batch/batch-types";
import type { SyncBatchSettings } from "../batch/run-sync-batch";
import type { PipelineSettings } from "../pipeline/create-pipeline-deps";

/**
 * Worker bindings, as declared in wrangler.toml (vars are strings), the
 * `MODELS` R2 bucket, and secrets: `GPU_API_KEY`, `API_KEYS` and whatever secrets
 * `GPU_BACKENDS` entries name in `api_key_secret` (`wrangler secret put NAME`).
 */
export interface Env {
  GPU_BASE_URL?: string;
  GPU_MODEL?: string;
  GPU_API_KEY?: string;
  GPU_TIMEOUT_MS?: string;
  GPU_CONTEXT_TOKENS?: string;
  /** JSON list of GPU servers: `[{ "name", "url", "model"?, "weight"?, "api_key_secret"? }]`. */
  GPU_BACKENDS?: string;
  MAX_BODY_BYTES?: string;
  MAX_CANDIDATES?: string;
  /** R2 bucket holding edge models (ONNX). */
  MODELS?: R2Bucket;
  EDGE_MODEL_KEY?: string;
  /** Optimum's split export: key of `decoder_model.onnx`, with EDGE_MODEL_KEY the with-past half. */
  EDGE_FIRST_PASS_MODEL_KEY?: string;
  EDGE_MODEL?: string;
  EDGE_CONTEXT_TOKENS?: string;
  /** Edge memory budget (MiB, default 128) and the measured costs it is planned with (see MemoryBudget). */
  EDGE_MEMORY_BUDGET_MB?: string;
  EDGE_MEMORY_RUNTIME_MB?: string;
  EDGE_MEMORY_JS_MB?: string;
  /** JSON object overriding the default task → backend table, e.g. `{"answer":"edge"}`. */
  TASK_BACKENDS?: string;
  EDGE_TOKEN_BUDGET?: string;
  EDGE_MS_PER_TOKEN?: string;
  RETRY_MAX_TRIES?: string;
  RETRY_BACKOFF_MS?: string;
  RETRY_BACKOFF_MAX_MS?: string;
  REQUEST_DEADLINE_MS?: string;
  BREAKER_FAILURES?: string;
  BREAKER_COOLDOWN_MS?: string;
  ESCALATE_MIN_MEAN_LOGPROB?: string;
  ESCALATE_MIN_PROBABILITY?: string;
  /** POST /v1/batch: most items per request, and how many run at once. */
  BATCH_MAX_ITEMS?: string;
  BATCH_CONCURRENCY?: string;
  /** Backend HTTP calls one sync batch may make (Workers allow 1,000 subrequests per invocation on paid plans). */
  BATCH_MAX_SUBREQUESTS?: string;
  /** Files and async batches (`/v1/files`, `/v1/batches`): uploads, job records and outputs. */
  BATCHES?: R2Bucket;
  /** Async batches: validation and chunk messages, consumed by this Worker's `queue` handler. */
  BATCH_QUEUE?: Queue<BatchMessage>;
  /** Async batches: most lines per job, lines per queue message, lines run at once per message. */
  BATCH_MAX_LINES?: string;
  BATCH_CHUNK_LINES?: string;
  BATCH_CHUNK_CONCURRENCY?: string;
  /** Largest upload (`POST /v1/files`, a JSONL `POST /v1/batches`) in bytes; default 200 MB, as OpenAI's Batch API. */
  BATCH_MAX_BYTES?: string;
  /** Fault injection for tests and benches: a chunk's first delivery throws after this many lines ran. Unset in production. */
  BATCH_FAULT_CRASH_AFTER_LINES?: string;
  /** Secret: comma-separated SHA-256 hex digests of the accepted API keys (`npm run key:new`); unset, /v1 is open. */
  API_KEYS?: string;
  /** Workers Rate Limiting binding (`[[ratelimits]]`), counted per key digest or client IP; absent, nothing is limited. */
  RATE_LIMITER?: RateLimit;
  /** The binding's `simple.period` (10 or 60): the binding cannot report it, and 429s send it as Retry-After. */
  RATE_LIMIT_PERIOD_SECONDS?: string;
  /** `true` puts the prompt in each request's log line; off by default, since prompts are user data. */
  LOG_PROMPTS?: string;
  /** Seconds of requests `GET /v1/metrics` summarizes (this isolate's). */
  METRICS_WINDOW_SECONDS?: string;
  /** Workers Analytics Engine dataset (`[[analytics_engine_datasets]]`): one data point per /v1 request; absent, none are written. */
  METRICS?: AnalyticsEngineDataset;
  /** Origins browsers may call the API from: comma-separated (`https://a.example,http://localhost:5173`) or `*`; unset: no CORS headers. */
  CORS_ORIGINS?: string;
}

/** API keys (`API_KEYS`): the SHA-256 digests of the accepted keys; none means /v1 is open. */
export interface KeySettings {
  digests: Uint8Array[];
}

/** Rate limits: the binding, when there is one, and its period in seconds. */
export interface RateLimitSettings {
  limiter?: RateLimit;
  periodSeconds: number;
}

/** Parsed, validated configuration: each layer's settings, handed down from here. */
export interface Config extends PipelineSettings {
  /** Sync batches (`POST /v1/batch`). */
  syncBatch: SyncBatchSettings;
  /** Async batches (`POST /v1/batches`): the bindings and their limits. */
  asyncBatch: AsyncBatchSettings;
  maxBodyBytes: number;
  keys: KeySettings;
  rateLimit: RateLimitSettings;
  /** Origins allowed by CORS: `"*"`, a list of exact origins, or none (no CORS headers). */
  corsOrigins: "*" | string[];
  logPrompts: boolean;
  metrics?: AnalyticsEngineDataset;
  metricsWindowSeconds: number;
}

/** What a handler knows about the run it served, for the request's log line and the metrics (noteRun). */
export interface RunNote {
  task?: string;
  backend?: string;
  attempts?: Array<{ backend: string; status: string }>;
  promptTokens?: number;
  completionTokens?: number;
  streamed?: boolean;
  /** Logged only with LOG_PROMPTS=true. */
  prompt?: unknown;
}

/** Hono's type parameter for this app. */
export interface AppEnv {
  Bindings: Env;
  /** `keyDigest`: the hex digest of the caller's API key, once requireKey accepted it. */
  /** `requestId` and `runNote`: see middleware/trace-request.ts. */
  Variables: { config: Config; keyDigest?: string; requestId?: string; runNote?: RunNote };
}
