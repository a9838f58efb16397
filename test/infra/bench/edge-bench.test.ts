import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

const TIMING_FIELDS = [
  "load_ms",
  "prefill_32_ms",
  "ttft_ms",
  "ms_per_token_at_32",
  "ms_per_token_at_512",
  "tokens_per_s",
  "bare_ms_per_token_at_32",
  "bare_ms_per_token_at_512",
  "engine_overhead_pct_at_32",
  "engine_overhead_pct_at_512",
  "peak_rss_mb",
] as const;

// Shape only: timings on a shared machine are not something a test can assert.
describe("npm run bench:edge", () => {
  it("prints one JSON document for the tiny preset, progress on stderr", async () => {
    const { stdout, stderr } = await run("npx", ["tsx", "infra/bench/edge-bench.ts", "--presets", "tiny", "--steps", "2", "--rounds", "1"]);
    const report = JSON.parse(stdout) as { machine: Record<string, unknown>; models: Array<Record<string, unknown>> };
    expect(report.machine).toMatchObject({ node: process.version, ort: expect.stringMatching(/^onnxruntime-web \S+ wasm, 1 thread$/) });
    expect(report.models).toHaveLength(1);
    const [tiny] = report.models;
    expect(tiny).toMatchObject({ name: "tiny", layers: 2, heads: 2, d_model: 32, long_position: 512, tokens_match: true });
    for (const field of TIMING_FIELDS) expect(Number.isFinite(tiny?.[field]), field).toBe(true);
    expect(stderr).toContain("[tiny] round 1/1 at 512");
  }, 120_000);
});
