/**
 * `npm run bench:batch -- --async`: one OpenAI-style batch job through the
 * Files API, driven by the official `openai` client against the Worker in
 * wrangler's dev server (router-stack.ts: the scripted reference backend
 * behind it), while the Worker isolate's memory is sampled through
 * workerd's inspector (isolate-sampler.ts).
 */
import { cpus, loadavg } from "node:os";
import OpenAI, { toFile } from "openai";
import { buildBatchInput, checkBatchOutput, type BenchEndpoint } from "./batch-jsonl";
import { readQueueSettings } from "./batch-queue-settings";
import { type IsolateSampler, mib, type MemorySummary, startIsolateSampler } from "./isolate-sampler";
import { pollBatch } from "./poll-batch";
import { disableNetworkEvents, startRouterStack } from "./router-stack";

/** What `--async` runs. */
export interface AsyncBenchOptions {
  lines: number;
  endpoint: BenchEndpoint;
  /** BATCH_FAULT_CRASH_AFTER_LINES: each chunk's first delivery throws after this many lines. */
  crashAfterLines?: number;
  /** BATCH_CHUNK_LINES; wrangler.toml's when absent. */
  chunkLines?: number;
  pollMs: number;
  /** Light memory samples (heap usage) every sampleMs, full ones every fullSampleMs; 0 turns each off. */
  sampleMs: number;
  fullSampleMs: number;
  timeoutS: number;
}

/** One poll waits this long before it counts as failed (the Worker should answer in milliseconds). */
const POLL_TIMEOUT_MS = 60_000;

/**
 * Uploads `lines` requests, creates the batch, polls it to a terminal
 * status, downloads its output and error files and checks them; resolves
 * to the report printed as JSON, which has `error` when a step failed
 * (with whatever was measured before it).
 *
 * @example
 * const report = await runAsyncBatchBench({ lines: 2000, endpoint: "/v1/completions", pollMs: 500, sampleMs: 500, fullSampleMs: 5000, timeoutS: 3600 });
 */
export async function runAsyncBatchBench(options: AsyncBenchOptions): Promise<Record<string, unknown>> {
  const vars: Record<string, string> = { TASK_BACKENDS: "" };
  if (options.crashAfterLines !== undefined) vars.BATCH_FAULT_CRASH_AFTER_LINES = String(options.crashAfterLines);
  if (options.chunkLines !== undefined) vars.BATCH_CHUNK_LINES = String(options.chunkLines);
  const input = buildBatchInput(options.lines, options.endpoint);
  const report: Record<string, unknown> = {
    mode: "async",
    lines: options.lines,
    bytes: input.byteLength,
    endpoint: options.endpoint,
    crash_after_lines: options.crashAfterLines ?? null,
  };
  const settings = readQueueSettings("wrangler.toml", vars);
  const machine = { cpus: cpus().length, load_average_at_start: loadavg().map(round) };
  console.error(`[bench:batch] starting the scripted backend and wrangler dev (${JSON.stringify(vars)})`);
  const stack = await startRouterStack(vars);
  let sampler: IsolateSampler | undefined;
  try {
    await disableNetworkEvents(stack.inspectorPort);
    await fetch(`${stack.backendUrl}/__stub/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"mode":"none"}',
    });
    const client = new OpenAI({ apiKey: "unused", baseURL: `${stack.routerUrl}/v1`, maxRetries: 0, timeout: 10 * 60_000 });
    const interval = options.sampleMs || options.fullSampleMs;
    sampler = interval > 0 ? await startIsolateSampler(stack.inspectorPort, interval, options.fullSampleMs) : undefined;
    try {
      sampler?.setPhase("upload");
      let started = performance.now();
      const file = await client.files.create({ file: await toFile(input, "bench.jsonl", { type: "application/jsonl" }), purpose: "batch" });
      report.upload_ms = elapsed(started);
      console.error(`[bench:batch] uploaded ${input.byteLength} bytes in ${report.upload_ms} ms as ${file.id}`);

      sampler?.setPhase("validating");
      const hostCpu = process.cpuUsage();
      // The SDK's type lists OpenAI's endpoints; the router also takes its task URLs, sent as they are.
      const endpoint = options.endpoint as OpenAI.Batches.BatchCreateParams["endpoint"];
      const created = await client.batches.create({ input_file_id: file.id, endpoint, completion_window: "24h" });
      report.batch_id = created.id;
      const polled = await pollBatch(client, created, {
        pollMs: options.pollMs,
        pollTimeoutMs: POLL_TIMEOUT_MS,
        timeoutS: options.timeoutS,
        routerUrl: stack.routerUrl,
        onStatus: (status) => sampler?.setPhase(status),
      });
      const { user, system } = process.cpuUsage(hostCpu);
      const { batch, completion_ms, validation_ms } = polled;
      console.error(`[bench:batch] ${batch.status} after ${completion_ms} ms: ${JSON.stringify(batch.request_counts)}`);
      const processingMs = validation_ms === undefined ? undefined : completion_ms - validation_ms;
      Object.assign(report, {
        status: batch.status,
        statuses_seen: polled.statuses_seen,
        request_counts: batch.request_counts,
        batch_errors: batch.errors?.data?.slice(0, 5) ?? null,
        timestamps: {
          created_at: batch.created_at,
          in_progress_at: batch.in_progress_at,
          finalizing_at: batch.finalizing_at,
          completed_at: batch.completed_at,
        },
        validation_ms: validation_ms ?? null,
        completion_ms,
        lines_per_second: round(options.lines / (completion_ms / 1000)),
        processing_lines_per_second: processingMs ? round(options.lines / (processingMs / 1000)) : null,
        poll_errors: polled.poll_errors,
        first_poll_errors: polled.first_poll_errors,
        // This process hosts wrangler's dev server (its proxy, and the source-mapping of every Worker log) besides the client.
        host_node_cpu_ms_during_job: Math.round((user + system) / 1000),
      });

      sampler?.setPhase("download");
      started = performance.now();
      const outputText = batch.output_file_id ? await (await client.files.content(batch.output_file_id)).text() : "";
      const errorText = batch.error_file_id ? await (await client.files.content(batch.error_file_id)).text() : "";
      report.download_ms = elapsed(started);
      report.file_bytes = {
        output_downloaded: Buffer.byteLength(outputText),
        output_reported: batch.output_file_id ? (await client.files.retrieve(batch.output_file_id)).bytes : 0,
        error_downloaded: Buffer.byteLength(errorText),
        error_reported: batch.error_file_id ? (await client.files.retrieve(batch.error_file_id)).bytes : 0,
      };
      Object.assign(report, checkBatchOutput(outputText, errorText, options.lines));
    } catch (error) {
      report.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const memory = await sampler?.stop();
    const backend = (await (await fetch(`${stack.backendUrl}/__stub/stats`)).json()) as { requests: number };
    report.backend_completions_calls = backend.requests;
    report.isolate_memory = memory ? describeMemory(memory) : "off (--sample-ms 0 --full-sample-ms 0)";
    Object.assign(report, { settings, poll_ms: options.pollMs, machine: { ...machine, load_average_at_end: loadavg().map(round) } });
    return report;
  } finally {
    await sampler?.stop().catch(() => undefined);
    await stack.stop();
  }
}

function describeMemory(memory: MemorySummary): Record<string, unknown> {
  const { peak } = memory.full;
  return {
    peak_bytes: peak?.isolate_bytes ?? null,
    peak_mib: peak ? mib(peak.isolate_bytes) : null,
    samples: memory.full.samples + memory.light.samples,
    light_peak_js_heap_used_mib: mib(memory.light.peak_used_bytes),
    ...memory,
  };
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
