/**
 * `npm run bench:batch`: 256 task requests as one sync batch (`POST /v1/batch`)
 * against 256 single requests, through the real Worker (wrangler's dev
 * server) and the reference backend (the generated tiny GPT-2 on
 * onnxruntime-node, speaking vLLM's protocol). Prints JSON: wall time and how
 * many `/v1/completions` calls reached the backend in each mode.
 */
import { parseArgs } from "node:util";
import { unstable_dev } from "wrangler";
import { chooseEngine } from "../backend/choose-engine";
import { startCompletionsServer } from "../backend/server";

const { values } = parseArgs({ options: { items: { type: "string", default: "256" }, concurrency: { type: "string", default: "16" } } });
const items = Number(values.items);
const requests = Array.from({ length: items }, (_, index) => ({
  task: "answer",
  input: { question: `What is the name of item ${index}?` },
  options: { backend: "gpu", max_tokens: 8 },
}));

async function countCalls(url: string): Promise<number> {
  return ((await (await fetch(`${url}/__stub/stats`)).json()) as { requests: number }).requests;
}

async function resetCalls(url: string): Promise<void> {
  await fetch(`${url}/__stub/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"mode":"none"}' });
}

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
  await Promise.all(Array.from({ length: Number(values.concurrency) }, client));
  const singles = {
    wall_ms: Math.round(performance.now() - started),
    backend_calls: await countCalls(backend.url),
    ok,
    client_concurrency: Number(values.concurrency),
  };

  console.log(
    JSON.stringify({ items, backend: "reference (tiny GPT-2, onnxruntime-node)", sync_batch: batch, single_requests: singles }, null, 2),
  );
} finally {
  await worker.stop();
  await backend.close();
}
