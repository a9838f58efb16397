import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

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
              bindings: { GPU_BASE_URL: inject("gpuBaseUrl"), GPU_TIMEOUT_MS: "5000" },
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
