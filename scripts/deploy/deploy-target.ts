/**
 * What `npm run deploy` deploys, read from one environment of wrangler.toml
 * with wrangler's own config reader, so an environment means here exactly
 * what it means to `wrangler deploy --env`: its own bindings and vars, none
 * inherited from the top level.
 */

import { type GpuBackendEntry, readGpuBackendEntries } from "../../src/config/parse-gpu-backends";
import { ApiError } from "../../src/errors/api-error";
import { DeployError } from "./deploy-context";

/** The environments wrangler.toml defines for deployment. */
export const DEPLOY_ENVS = ["staging", "production"] as const;
export type DeployEnv = (typeof DEPLOY_ENVS)[number];

/** A secret the Worker reads, and whether the deploy must see it set. */
export interface SecretRule {
  name: string;
  required: boolean;
  reason: string;
}

/** The resources, model location, secrets and GPU URLs of one environment. */
export interface DeployTarget {
  env: DeployEnv;
  workerName: string;
  buckets: string[];
  /** Queues the Worker produces to, consumes, or dead-letters into. */
  queues: string[];
  /** Where the edge model goes: the MODELS bucket and EDGE_MODEL_KEY; absent when the env has no edge model. */
  model?: { bucket: string; key: string };
  secrets: SecretRule[];
  /** The GPU servers the Worker will call (GPU_BACKENDS' urls, else GPU_BASE_URL). */
  gpuUrls: string[];
}

type Vars = Record<string, unknown>;

/** The part of wrangler's resolved config read here (its types name a package wrangler bundles). */
interface EnvConfig {
  name?: string;
  targetEnvironment?: string;
  vars?: Vars;
  r2_buckets: { binding: string; bucket_name?: string }[];
  queues: { producers?: { queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
}

/**
 * Reads `[env.<env>]` of the wrangler config (wrangler's config reader takes about 3 s to load).
 *
 * @example
 * const target = await readDeployTarget("staging");
 * target.buckets; // ["zeroshot-models-staging", "zeroshot-batches-staging"]
 */
export async function readDeployTarget(env: DeployEnv, configPath = "wrangler.toml"): Promise<DeployTarget> {
  const { unstable_readConfig } = await import("wrangler");
  const config: EnvConfig = unstable_readConfig({ config: configPath, env }, { hideWarnings: true });
  if (config.targetEnvironment !== env) throw new Error(`${configPath} has no [env.${env}] section`);
  const vars: Vars = config.vars ?? {};
  const models = config.r2_buckets.find((bucket) => bucket.binding === "MODELS")?.bucket_name;
  const modelKey = typeof vars.EDGE_MODEL_KEY === "string" ? vars.EDGE_MODEL_KEY : undefined;
  const queues = [
    ...(config.queues.producers ?? []).map((producer) => producer.queue),
    ...(config.queues.consumers ?? []).flatMap((consumer) => [consumer.queue, consumer.dead_letter_queue ?? ""]),
  ];
  return {
    env,
    workerName: config.name ?? "",
    buckets: unique(config.r2_buckets.map((bucket) => bucket.bucket_name ?? "")),
    queues: unique(queues),
    model: models && modelKey ? { bucket: models, key: modelKey } : undefined,
    secrets: listSecretRules(env, vars),
    gpuUrls: listGpuUrls(vars),
  };
}

/**
 * The secrets the Worker reads in `env`: API_KEYS (required in production,
 * where an unset one would leave /v1 open), GPU_API_KEY (optional), and each
 * `api_key_secret` GPU_BACKENDS names (required: the Worker refuses its
 * configuration without them).
 *
 * @example
 * listSecretRules("production", {}).map((rule) => rule.name); // ["API_KEYS", "GPU_API_KEY"]
 */
export function listSecretRules(env: DeployEnv, vars: Vars): SecretRule[] {
  const rules: SecretRule[] = [
    env === "production"
      ? { name: "API_KEYS", required: true, reason: "production answers /v1 only with a key" }
      : { name: "API_KEYS", required: false, reason: `without it ${env}'s /v1 routes are open` },
    { name: "GPU_API_KEY", required: false, reason: "sent to GPU_BASE_URL as a Bearer token" },
  ];
  for (const backend of readGpuBackends(vars)) {
    const name = backend.api_key_secret;
    if (name !== undefined && !rules.some((rule) => rule.name === name)) {
      rules.push({ name, required: true, reason: `GPU_BACKENDS entry ${backend.name} names it` });
    }
  }
  return rules;
}

/**
 * Why a GPU URL cannot be production's: wrangler.toml's placeholders
 * (example.com) and loopback addresses, which no Worker can reach.
 *
 * @example
 * findPlaceholderUrls(["https://vllm.example.com", "https://gpu.acme.dev"]); // ["https://vllm.example.com is a placeholder"]
 */
export function findPlaceholderUrls(urls: readonly string[]): string[] {
  return urls.flatMap((url) => {
    const host = URL.canParse(url) ? new URL(url).hostname : "";
    if (host === "example.com" || host.endsWith(".example.com")) return [`${url} is a placeholder`];
    if (host === "localhost" || host.startsWith("127.") || host === "[::1]" || host === "0.0.0.0")
      return [`${url} is this machine, not reachable from Cloudflare`];
    return host === "" ? [`${url} is not a URL`] : [];
  });
}

function listGpuUrls(vars: Vars): string[] {
  const backends = readGpuBackends(vars);
  if (backends.length > 0) return backends.map((backend) => backend.url);
  return typeof vars.GPU_BASE_URL === "string" && vars.GPU_BASE_URL !== "" ? [vars.GPU_BASE_URL] : [];
}

/** GPU_BACKENDS as the Worker reads it: a value it would refuse stops the deploy here, with its message. */
function readGpuBackends(vars: Vars): GpuBackendEntry[] {
  if (typeof vars.GPU_BACKENDS !== "string" || vars.GPU_BACKENDS.trim() === "") return [];
  try {
    return readGpuBackendEntries(vars.GPU_BACKENDS);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new DeployError(`the Worker would refuse its vars: ${error.message}`, { cause: error });
  }
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names.filter((name) => name !== ""))];
}
