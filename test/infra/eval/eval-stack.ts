import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";
import { type RouterStack, startRouterStack } from "../../../infra/bench/router-stack";
import { convertModel } from "../../../infra/model/convert-model";
import { writeGeneratedModel } from "../../../infra/model/write-generated-model";
import { findRequests } from "../../support/stub-control";

const run = promisify(execFile);

/**
 * The router as users run it for an eval, one per calling test file: the
 * Worker under wrangler's dev server with the vLLM stand-in (the scripted
 * backend) as its GPU and the tiny generated GPT-2 in its local R2 as its
 * edge model. Started before the file's tests (the model conversion and
 * wrangler's start take up to minutes), stopped after; the returned URLs
 * read through to the started stack.
 *
 * @example
 * const stack = useEvalStack();
 * it("…", async () => { await runEval(["--router", stack.routerUrl, …]); });
 */
export function useEvalStack(): Pick<RouterStack, "backendUrl" | "routerUrl"> {
  let started: RouterStack | undefined;
  beforeAll(async () => {
    const tiny = await writeGeneratedModel({ preset: "tiny", seed: 1, outDir: "node_modules/.cache/zeroshot-router/eval-tiny-gpt2" });
    const { path } = await convertModel(tiny.modelPath);
    started = await startRouterStack({ EDGE_MODEL: "tiny-random-gpt2", TASK_BACKENDS: "" }, { edgeModelPath: path });
  }, 180_000);
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): RouterStack => {
    if (!started) throw new Error("the eval stack is used before beforeAll started it");
    return started;
  };
  return {
    get backendUrl() {
      return current().backendUrl;
    },
    get routerUrl() {
      return current().routerUrl;
    },
  };
}

/** What one `npm run eval` run printed and wrote. */
export interface EvalRun {
  stdout: string;
  stderr: string;
  report: any;
  results: any[];
}

/**
 * Runs `npm run eval`'s CLI (through tsx, as the npm script does) and reads back its report and results.
 *
 * @example
 * const { report } = await runEval(["--suite", "lambada", "--data", "test/fixtures/eval/lambada_test.jsonl", "--router", url]);
 */
export async function runEval(args: string[], outDir = mkdtempSync(join(tmpdir(), "eval-"))): Promise<EvalRun & { outDir: string }> {
  const suite = args[args.indexOf("--suite") + 1] as string;
  const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "infra/eval/cli.ts", ...args, "--out", outDir], {
    maxBuffer: 1 << 24,
  });
  const report = JSON.parse(await readFile(join(outDir, `${suite}.report.json`), "utf8"));
  const results = (await readFile(join(outDir, `${suite}.results.jsonl`), "utf8"))
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
  return { stdout, stderr, report, results, outDir };
}

/**
 * The task request bodies the stand-in received whose prompt contains `text`.
 *
 * @example
 * const prompts = await promptsContaining(stack.backendUrl, "lighthouse keeper");
 */
export async function promptsContaining(backendUrl: string, text: string): Promise<any[]> {
  return (await findRequests(backendUrl, text)).map((request) => request.body);
}
