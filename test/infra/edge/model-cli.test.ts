import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FIXTURE_GREEDY } from "../../support/fixture-greedy";

const fixture = fileURLToPath(new URL("../../fixtures/tiny-random-gpt2-ort/past.onnx", import.meta.url));

function runCli(...args: string[]): Record<string, unknown> {
  const stdout = execFileSync("npx", ["tsx", "infra/edge/model-cli.ts", ...args], { encoding: "utf8" });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe("npm run model (token-level CLI)", () => {
  it("generate prints the greedy ids as JSON", () => {
    const [, second] = FIXTURE_GREEDY;
    const out = runCli("generate", "--model", fixture, "--ids", second.prompt.join(","), "--max-tokens", "6", "--greedy");
    expect(out).toMatchObject({ prompt_ids: second.prompt, ids: second.continuation, finish_reason: "length" });
  });

  it("score prints one logprob per scored token, summing to the total", () => {
    const out = runCli("score", "--model", fixture, "--ids", "0,0,195,731", "--from", "2") as { logprobs: number[]; logprob: number };
    expect(out.logprobs).toHaveLength(2);
    expect(out.logprobs.every((value) => value < 0)).toBe(true);
    expect(out.logprob).toBeCloseTo(out.logprobs[0]! + out.logprobs[1]!, 10);
  });

  it("refuses an unknown command with exit code 2", () => {
    expect(() => execFileSync("npx", ["tsx", "infra/edge/model-cli.ts", "dance"], { stdio: "pipe" })).toThrow(/usage/);
  });
});
