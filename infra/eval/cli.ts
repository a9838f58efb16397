/**
 * `npm run eval -- --suite NAME --data PATH --router URL [--backend auto|gpu|edge]
 * [--model-size 117M|345M|762M|1542M] [--limit N] [--concurrency N] [--out DIR] [--api-key KEY]`:
 * sends every example of a benchmark through the router's public task
 * endpoints, as a client would, appends each example's result to
 * `{out}/{suite}.results.jsonl` (so an interrupted run resumes), and writes
 * `{suite}.report.md` and `.json`: the router's score beside the paper's.
 * Progress goes to stderr, the Markdown report to stdout.
 */
import { parseArgs } from "node:util";
import type { BackendChoice, ModelSize, RunConfig } from "./eval-types";
import { createTaskCaller } from "./router-client";
import { runSuite } from "./run-suite";
import { getSuite } from "./suites/registry";
import { buildReport, writeReport } from "./write-report";

const SIZES: ModelSize[] = ["117M", "345M", "762M", "1542M"];
const BACKENDS: BackendChoice[] = ["auto", "gpu", "edge"];

const { values } = parseArgs({
  options: {
    suite: { type: "string" },
    data: { type: "string" },
    router: { type: "string", default: "http://127.0.0.1:8787" },
    backend: { type: "string", default: "auto" },
    "model-size": { type: "string", default: "1542M" },
    limit: { type: "string" },
    concurrency: { type: "string", default: "8" },
    out: { type: "string", default: "eval-out" },
    "api-key": { type: "string", default: process.env.ROUTER_API_KEY },
    quiet: { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  console.error(`npm run eval: ${message}`);
  process.exit(2);
}

if (!values.suite || !values.data) fail("--suite and --data are required");
const modelSize = values["model-size"] as ModelSize;
if (!SIZES.includes(modelSize)) fail(`--model-size must be one of ${SIZES.join(", ")}`);
const backend = values.backend as BackendChoice;
if (!BACKENDS.includes(backend)) fail(`--backend must be one of ${BACKENDS.join(", ")}`);
const limit = values.limit === undefined ? undefined : Number(values.limit);
if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) fail("--limit must be a positive integer");
const concurrency = Number(values.concurrency);
if (!(Number.isInteger(concurrency) && concurrency > 0)) fail("--concurrency must be a positive integer");

const config: RunConfig = { router: values.router, backend, modelSize, apiKey: values["api-key"], limit, concurrency, outDir: values.out };
const suite = (() => {
  try {
    return getSuite(values.suite);
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const run = await runSuite(suite, values.data, config, createTaskCaller(config), values.quiet);
if (run.resumed > 0) console.error(`resumed: ${run.resumed} examples were already in ${run.resultsPath}`);
process.stdout.write(await writeReport(buildReport(suite, run, config), config.outDir));
