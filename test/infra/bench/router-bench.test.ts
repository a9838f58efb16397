import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

const percentiles = { p50: expect.any(Number), p90: expect.any(Number), p99: expect.any(Number) };

async function runBench(
  ...flags: string[]
): Promise<{ report: Record<string, unknown> & { overhead_ms: { p50: number } }; stderr: string }> {
  const { stdout, stderr } = await run("npx", ["tsx", "infra/bench/router-bench.ts", "--requests", "5", "--warmup", "2", ...flags], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  return { report: JSON.parse(stdout), stderr };
}

function expectOrderedFigures(report: Record<string, unknown>, kinds: readonly string[]): void {
  for (const kind of kinds) {
    const figures = report[kind] as Record<string, number>;
    expect(figures.p50, kind).toBeGreaterThan(0);
    expect(figures.p50, kind).toBeLessThanOrEqual(figures.p90 ?? 0);
    expect(figures.p90, kind).toBeLessThanOrEqual(figures.p99 ?? 0);
  }
}

// Shape only: latencies on a shared machine are not something a test can assert.
describe("npm run bench:router", () => {
  it("runs the Worker in workerd beside a bare relay and prints one JSON document, progress on stderr", async () => {
    const { report, stderr } = await runBench();
    expect(report).toEqual({
      runtime: "workerd",
      requests: 5,
      warmup: 2,
      direct: percentiles,
      router: percentiles,
      hop: percentiles,
      relay: percentiles,
      overhead_ms: percentiles,
      relay_overhead_ms: percentiles,
      target_p50_ms: 0.5,
      meets_target: report.overhead_ms.p50 <= 0.5,
      rate_limiter: false,
    });
    expectOrderedFigures(report, ["direct", "router", "hop", "relay"]);
    // The direct request replays the body the router sent upstream: a greedy answer.
    expect(stderr).toMatch(/upstream body: \{"model":"gpt2","prompt":"…","max_tokens":32,"temperature":0,/);
  }, 180_000);

  it("--dev-server measures through wrangler's dev server instead, without the relay", async () => {
    const { report } = await runBench("--dev-server");
    expect(report).toEqual({
      runtime: "wrangler-dev",
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
    expectOrderedFigures(report, ["direct", "router", "hop"]);
  }, 180_000);
});
