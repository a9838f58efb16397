/**
 * `npm run bench:batch`: batches through the real Worker (wrangler's dev
 * server) and the reference backend (vLLM's protocol). Prints one JSON
 * document on stdout; progress goes to stderr.
 *   npm run bench:batch                       # sync: 256 task requests as one POST /v1/batch vs 256 single requests
 *   npm run bench:batch -- --items 64 --concurrency 8
 *   npm run bench:batch -- --async --lines 50000 [--crash N] [--chunk-lines 50] [--endpoint completions|answer]
 * Sync mode runs the generated tiny GPT-2 on onnxruntime-node and reports
 * wall time and how many `/v1/completions` calls reached the backend in each
 * mode. `--async` runs one job through the Files API with the official
 * `openai` client against the scripted backend (async-batch-bench.ts):
 * upload time, time to completion, lines per second, the exactly-once check
 * of the output and error files, and the Worker isolate's memory through
 * workerd's inspector: JS heap in use every --sample-ms, and wasm + live JS
 * heap + ArrayBuffers (after a forced GC, which stalls the Worker for up to
 * seconds) every --full-sample-ms; 0 turns either off. `--crash N` sets
 * BATCH_FAULT_CRASH_AFTER_LINES: each chunk's first delivery throws after N lines.
 */
import { parseArgs } from "node:util";
import { unstable_dev } from "wrangler";
import { chooseEngine } from "../backend/choose-engine";
import { startCompletionsServer } from "../backend/server";
import { runAsyncBatchBench } from "./async-batch-bench";
import { parseCount } from "./cli-args";

const USAGE =
  "usage: npm run bench:batch -- [--items 256] [--concurrency 16] | --async [--lines 2000] [--crash N] [--chunk-lines N] " +
  "[--endpoint completions|answer] [--poll-ms 500] [--sample-ms 500] [--full-sample-ms 5000] [--timeout-s 3600]";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "256" },
    concurrency: { type: "string", default: "16" },
    async: { type: "boolean", default: false },
    lines: { type: "string", default: "2000" },
    crash: { type: "string" },
    "chunk-lines": { type: "string" },
    endpoint: { type: "string", default: "completions" },
    "poll-ms": { type: "string", default: "500" },
    "sample-ms": { type: "string", default: "500" },
    "full-sample-ms": { type: "string", default: "5000" },
    "timeout-s": { type: "string", default: "3600" },
  },
});

/** Sync mode: one POST /v1/batch of `items` answer requests against as many single requests. */
async function runSyncBench(items: number, concurrency: number): Promise<Record<string, unknown>> {
  const requests = Array.from({ length: items }, (_, index) => ({
    task: "answer",
    input: { question: `What is the name of item ${index}?` },
    options: { backend: "gpu", max_tokens: 8 },
  }));
  const countCalls = async (url: string) => ((await (await fetch(`${url}/__stub/stats`)).json()) as { requests: number }).requests;
  const resetCalls = async (url: string) => {
    await fetch(`${url}/__stub/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"mode":"none"}' });
  };
  const { engine, contextTokens } = await chooseEngine({});
  const backend = await startCompletionsServer({ engine, port: 0, maxModelLen: contextTokens });
  process.env.WRANGLER_SEND_METRICS = "false";
  const worker = await unstable_dev("src/index.ts", {
    experimental: { disableExperimentalWarning: true },
    vars: { GPU_BASE_URL: backend.url, TASK_BACKENDS: "", BATCH_MAX_ITEMS: String(items) },
    logLevel: "error",
  });
  try {
    const post = (path: string, body: unknown) =>
      worker.fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const single = (item: (typeof requests)[number]) => post("/v1/tasks/answer", { ...item.input, options: item.options });
    await single(requests[0] as (typeof requests)[number]); // warm-up: isolate, tokenizer, backend session

    await resetCalls(backend.url);
    let started = performance.now();
    const reply = (await (await post("/v1/batch", { requests })).json()) as { totals: { by_status: Record<string, number> } };
    const batch = {
      wall_ms: Math.round(performance.now() - started),
      backend_calls: await countCalls(backend.url),
      ok: reply.totals.by_status.ok,
    };

    await resetCalls(backend.url);
    started = performance.now();
    let next = 0;
    let ok = 0;
    const client = async () => {
      while (next < items) {
        const response = await single(requests[next++] as (typeof requests)[number]);
        if (response.status === 200) ok += 1;
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    const singles = {
      wall_ms: Math.round(performance.now() - started),
      backend_calls: await countCalls(backend.url),
      ok,
      client_concurrency: concurrency,
    };
    return { items, backend: "reference (tiny GPT-2, onnxruntime-node)", sync_batch: batch, single_requests: singles };
  } finally {
    await worker.stop();
    await backend.close();
  }
}

async function main(): Promise<void> {
  if (!values.async) {
    const report = await runSyncBench(
      parseCount(values.items, "--items", 1, USAGE),
      parseCount(values.concurrency, "--concurrency", 1, USAGE),
    );
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const endpoints = { completions: "/v1/completions", answer: "/v1/tasks/answer" } as const;
  const endpoint = endpoints[values.endpoint as keyof typeof endpoints];
  if (endpoint === undefined) throw new Error(`--endpoint must be completions or answer, got ${values.endpoint}\n${USAGE}`);
  const report = await runAsyncBatchBench({
    lines: parseCount(values.lines, "--lines", 1, USAGE),
    endpoint,
    crashAfterLines: values.crash === undefined ? undefined : parseCount(values.crash, "--crash", 1, USAGE),
    chunkLines: values["chunk-lines"] === undefined ? undefined : parseCount(values["chunk-lines"], "--chunk-lines", 1, USAGE),
    pollMs: parseCount(values["poll-ms"], "--poll-ms", 1, USAGE),
    sampleMs: parseCount(values["sample-ms"], "--sample-ms", 0, USAGE),
    fullSampleMs: parseCount(values["full-sample-ms"], "--full-sample-ms", 0, USAGE),
    timeoutS: parseCount(values["timeout-s"], "--timeout-s", 1, USAGE),
  });
  console.log(JSON.stringify(report, null, 2));
  if (report.error !== undefined || report.exactly_once !== true) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
