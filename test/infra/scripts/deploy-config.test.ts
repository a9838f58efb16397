import { unstable_readConfig } from "wrangler";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEPLOY_ENVS, readDeployTarget } from "../../../scripts/deploy/deploy-target";

// wrangler.toml's [env.staging] and [env.production], read by wrangler itself: environments inherit
// no vars and no bindings, so each must declare all of the top level's, with names of its own.

type Config = ReturnType<typeof unstable_readConfig>;
const read = (env?: string): Config => unstable_readConfig({ config: "wrangler.toml", env }, { hideWarnings: true });

interface Consumer {
  queue: string;
  dead_letter_queue?: string;
}

/** Every binding of a config by kind, with its resource: what an environment must redeclare. */
function listBindings(config: Config): {
  r2: [string, string | undefined][];
  producers: [string, string][];
  consumers: Consumer[];
  analytics: [string, string | undefined][];
  ratelimits: { namespace_id: string }[];
} {
  return {
    r2: config.r2_buckets.map(
      (bucket: { binding: string; bucket_name?: string }) => [bucket.binding, bucket.bucket_name] as [string, string | undefined],
    ),
    producers: (config.queues.producers ?? []).map(
      (producer: { binding: string; queue: string }) => [producer.binding, producer.queue] as [string, string],
    ),
    consumers: (config.queues.consumers ?? []).map((consumer: Consumer) => consumer),
    analytics: config.analytics_engine_datasets.map(
      (dataset: { binding: string; dataset?: string }) => [dataset.binding, dataset.dataset] as [string, string | undefined],
    ),
    ratelimits: config.ratelimits.map((limit: { namespace_id: string }) => limit),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("wrangler.toml's deploy environments", () => {
  it("are read by wrangler without a warning: nothing at the top level is left undeclared in an environment", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (const env of DEPLOY_ENVS) unstable_readConfig({ config: "wrangler.toml", env });
    expect(warn.mock.calls.map((call) => call.join(" "))).toEqual([]);
  });

  it("declare every top-level var with its value, GPU_BASE_URL aside (a placeholder to replace)", () => {
    const { GPU_BASE_URL: _local, ...top } = read().vars;
    for (const env of DEPLOY_ENVS) {
      const { GPU_BASE_URL, ...vars } = read(env).vars;
      expect(vars, env).toEqual(top);
      expect(GPU_BASE_URL, env).toMatch(/^https:\/\/[\w-]+\.example\.com$/);
    }
  });

  it("bind production to the top-level resources and staging to -staging ones, with the same settings", () => {
    const top = listBindings(read());
    expect(listBindings(read("production"))).toEqual(top);
    const staging = listBindings(read("staging"));
    const rename = (name?: string) => (name?.includes("_") ? `${name}_staging` : `${name}-staging`);
    expect(staging).toEqual({
      r2: top.r2.map(([binding, bucket]) => [binding, rename(bucket)]),
      producers: top.producers.map(([binding, queue]) => [binding, rename(queue)]),
      consumers: top.consumers.map((consumer) => ({
        ...consumer,
        queue: rename(consumer.queue),
        ...(consumer.dead_letter_queue ? { dead_letter_queue: rename(consumer.dead_letter_queue) } : {}),
      })),
      analytics: top.analytics.map(([binding, dataset]) => [binding, rename(dataset)]),
      ratelimits: top.ratelimits.map((limit) => ({ ...limit, namespace_id: "1002" })),
    });
  });

  it("name what npm run deploy creates, uploads and checks", async () => {
    expect(await readDeployTarget("staging")).toEqual({
      env: "staging",
      workerName: "zeroshot-router-staging",
      buckets: ["zeroshot-models-staging", "zeroshot-batches-staging"],
      queues: ["zeroshot-batches-staging", "zeroshot-batches-dlq-staging"],
      model: { bucket: "zeroshot-models-staging", key: "edge/decoder_model_merged.ort" },
      secrets: [
        { name: "API_KEYS", required: false, reason: "without it staging's /v1 routes are open" },
        { name: "GPU_API_KEY", required: false, reason: "sent to GPU_BASE_URL as a Bearer token" },
      ],
      gpuUrls: ["https://vllm-staging.example.com"],
    });
    expect(await readDeployTarget("production")).toMatchObject({
      workerName: "zeroshot-router",
      buckets: ["zeroshot-models", "zeroshot-batches"],
      queues: ["zeroshot-batches", "zeroshot-batches-dlq"],
      model: { bucket: "zeroshot-models", key: "edge/decoder_model_merged.ort" },
      secrets: [expect.objectContaining({ name: "API_KEYS", required: true }), expect.objectContaining({ name: "GPU_API_KEY" })],
    });
  });
});
