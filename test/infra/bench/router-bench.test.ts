import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

const percentiles = { p50: expect.any(Number), p90: expect.any(Number), p99: expect.any(Number) };

// Shape only: latencies on a shared machine are not something a test can assert.
describe("npm run bench:router", () => {
  it("prints one JSON document comparing direct, router and hop requests, progress on stderr", async () => {
    const { stdout, stderr } = await run("npx", ["tsx", "infra/bench/router-bench.ts", "--requests", "5", "--warmup", "2"], {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    });
    const report = JSON.parse(stdout) as Record<string, unknown> & { overhead_ms: { p50: number } };
    expect(report).toEqual({
      requests: 5,
      warmup: 2,
      direct: percentiles,
      router: percentiles,
      hop: percentiles,
      overhead_ms: percentiles,
      target_p50_ms: 0.5,
      meets_target: report.overhead_ms.p50 <= 0.5,
      devtools_network_events: false,
      rate_limiter: false,
    });
    for (const kind of ["direct", "router", "hop"] as const) {
      const figures = report[kind] as Record<string, number>;
      expect(figures.p50, kind).toBeGreaterThan(0);
      expect(figures.p50, kind).toBeLessThanOrEqual(figures.p90 ?? 0);
      expect(figures.p90, kind).toBeLessThanOrEqual(figures.p99 ?? 0);
    }
    // The direct request replays the body the router sent upstream: a greedy answer.
    expect(stderr).toMatch(/upstream body: \{"model":"gpt2","prompt":"…","max_tokens":32,"temperature":0,/);
  }, 180_000);
});
