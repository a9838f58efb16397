import { execFileSync } from "node:child_process";

/**
 * Runs the project's wrangler CLI to completion, with telemetry and
 * Cloudflare's request metadata lookup off (neither is reachable offline),
 * its output dropped and its errors shown. Throws when wrangler fails.
 *
 * @example
 * runWrangler(["r2", "object", "put", "zeroshot-models/edge/model.ort", "--file", "model.ort", "--local"]);
 * runWrangler(["deploy", "--dry-run", "--outdir", outdir]);
 */
export function runWrangler(args: readonly string[]): void {
  execFileSync("npx", ["wrangler", ...args], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
}
