import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { copyDocsAssets } from "./scripts/copy-docs-assets.mjs";

// The independent fixture (onnxruntime-genai's tiny GPT-2, MIT) lives in the repository. workerd
// cannot read files, so it reaches the test Worker as a data blob binding.
const ortFixtureModel = fileURLToPath(new URL("./test/fixtures/tiny-random-gpt2-ort/past.onnx", import.meta.url));

// wrangler.toml's [assets] directory (GET /docs's Swagger UI files) is filled by its [build]
// command, which the workers pool does not run: fill it before the pool reads wrangler.toml.
copyDocsAssets();

// Two projects: Worker code runs inside workerd (miniflare), the reference
// servers and tooling under infra/ run in Node.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                GPU_BASE_URL: inject("gpuBaseUrl"),
                GPU_TIMEOUT_MS: "5000",
                EDGE_MODEL: "tiny-random-gpt2",
                // Local workerd does not enforce 128 MB; the budget tests set their own.
                EDGE_MEMORY_BUDGET_MB: "4096",
                RETRY_BACKOFF_MS: "5",
              },
              ratelimits: {
                // Every test reaches /v1 from one client, so the production limit is lifted here;
                // the rate-limit tests swap in the small one, a real miniflare limiter too.
                RATE_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
                TEST_RATE_LIMITER: { simple: { limit: 3, period: 60 } },
              },
              // Test-only: SELF.fetch skips static assets, so test/routes/docs.test.ts reads them through this.
              assets: { directory: "./public", binding: "ASSETS" },
              dataBlobBindings: {
                TINY_GPT2_ONNX: inject("tinyModelPath"),
                TINY_GPT2_FIRST_PASS_ONNX: inject("tinyFirstPassPath"),
                TINY_GPT2_INT8_ONNX: inject("tinyQuantized").int8.path,
                TINY_GPT2_Q4_ONNX: inject("tinyQuantized").q4.path,
                TINY_GPT2_ORT: inject("tinyOrt").fp32.path,
                TINY_GPT2_INT8_ORT: inject("tinyOrt").int8.path,
                TINY_GPT2_Q4_ORT: inject("tinyOrt").q4.path,
                ORT_FIXTURE_PAST_ONNX: ortFixtureModel,
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/infra/**"],
          globalSetup: ["./test/support/node/global-setup.ts"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/infra/**/*.test.ts"],
        },
      },
    ],
  },
});
