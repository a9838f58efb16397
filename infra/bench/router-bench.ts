/**
 * `npm run bench:router`: what the router adds to a GPU answer request, in one run.
 *   npm run bench:router                                  # 300 rounds after 50 warm-up rounds
 *   npm run bench:router -- --requests 1000 --warmup 100
 *   npm run bench:router -- --profile 400                 # and workerd CPU time and a CPU profile of 400 router requests
 *   npm run bench:router -- --profile 400 --profile-out router.cpuprofile  # keeping the raw profile
 * Starts the scripted reference backend and the Worker under wrangler's dev
 * server (router-stack.ts), then runs sequential rounds of three requests, in
 * rotating order: (a) the backend directly, with exactly the body the router
 * sent it for the same answer request (read back from the backend's request
 * log), (b) POST /v1/tasks/answer through the router, (c) GET /health on the
 * router, which is the dev server's own hop plus the router's cheapest route.
 * overhead = router - direct - hop, per percentile. wrangler's inspector proxy
 * has the Worker trace every subrequest for DevTools' Network panel, which a
 * deployed Worker does not do and /health does not pay; the bench turns that
 * off unless --devtools-network. The static assets and the rate limiter are
 * left out of the Worker's config unless --rate-limit (see router-stack.ts):
 * both are extra workers in the dev server, not in Cloudflare's path. Prints
 * one JSON document on stdout; progress
 * goes to stderr.
 */
import { parseArgs } from "node:util";
import { profileWorker } from "./cpu-profile";
import { disableNetworkEvents, startRouterStack, type RouterStack } from "./router-stack";
import { measureWorkerdCpu } from "./workerd-cpu";

const USAGE =
  "usage: npm run bench:router -- [--requests 300] [--warmup 50] [--profile N] [--interval-us 50] [--profile-out FILE.cpuprofile] [--devtools-network] [--rate-limit]";
const TARGET_P50_MS = 0.5;

/** p50, p90 and p99 of one kind of request, ms. */
interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** Nearest-rank percentiles of `samples` (ms), rounded to µs: [1, 2, 3, 4] gives p50 2, p90 4, p99 4. */
function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN);
  return { p50: at(50), p90: at(90), p99: at(99) };
}

type Kind = "direct" | "router" | "hop";

/** One kind of request, returning once its whole body has been read. */
type Send = () => Promise<void>;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: "string", default: "300" },
      warmup: { type: "string", default: "50" },
      profile: { type: "string", default: "0" },
      "interval-us": { type: "string", default: "50" },
      "profile-out": { type: "string" },
      "devtools-network": { type: "boolean", default: false },
      "rate-limit": { type: "boolean", default: false },
    },
  });
  const requests = count(values.requests, "--requests", 1);
  const warmup = count(values.warmup, "--warmup", 0);
  const profiled = count(values.profile, "--profile", 0);
  const intervalUs = count(values["interval-us"], "--interval-us", 1);

  console.error("[bench:router] starting the scripted backend and wrangler dev");
  const stack = await startRouterStack({}, { rateLimit: values["rate-limit"] });
  try {
    const networkEvents = values["devtools-network"];
    if (!networkEvents) await disableNetworkEvents(stack.inspectorPort);
    const sends = await prepareRequests(stack);
    console.error(`[bench:router] ${warmup} warm-up rounds, then ${requests} measured rounds`);
    await runRounds(sends, warmup);
    const samples = await runRounds(sends, requests);
    const direct = percentiles(samples.direct);
    const router = percentiles(samples.router);
    const hop = percentiles(samples.hop);
    const overheadAt = (p: keyof Percentiles) => round(router[p] - direct[p] - hop[p]);
    const overhead: Percentiles = { p50: overheadAt("p50"), p90: overheadAt("p90"), p99: overheadAt("p99") };
    const report: Record<string, unknown> = {
      requests,
      warmup,
      direct,
      router,
      hop,
      overhead_ms: overhead,
      target_p50_ms: TARGET_P50_MS,
      meets_target: overhead.p50 <= TARGET_P50_MS,
      devtools_network_events: networkEvents,
      rate_limiter: values["rate-limit"],
    };
    if (profiled > 0) {
      console.error(`[bench:router] workerd CPU time of ${profiled} router, then ${profiled} /health requests`);
      const router = await measureWorkerdCpu(profiled, sends.router);
      const hop = await measureWorkerdCpu(profiled, sends.hop);
      report.workerd_cpu_ms_per_request = {
        router: { worker: router.worker_ms_per_request, proxy: router.proxy_ms_per_request },
        hop: { worker: hop.worker_ms_per_request, proxy: hop.proxy_ms_per_request },
      };
      console.error(`[bench:router] profiling ${profiled} router requests, sampling every ${intervalUs} µs`);
      const work = async () => {
        for (let index = 0; index < profiled; index++) await sends.router();
      };
      report.profile = await profileWorker(stack.inspectorPort, intervalUs, work, values["profile-out"]);
    }
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await stack.stop();
  }
}

/**
 * The three requests of a round. One router request first, so the backend's log
 * holds the exact upstream body to replay directly. The backend is this run's own,
 * so a fixed marker finds it, and every run asks the same question (the scripted
 * engine's answer, so the upstream stream, depends on the prompt).
 */
async function prepareRequests(stack: RouterStack): Promise<Record<Kind, Send>> {
  const marker = "[bench:router]";
  const taskBody = JSON.stringify({ question: `who discovered penicillin ${marker}`, options: { backend: "gpu" } });
  const router = () =>
    send(`${stack.routerUrl}/v1/tasks/answer`, { method: "POST", headers: { "content-type": "application/json" }, body: taskBody });
  await router();
  const log = (await (await fetch(`${stack.backendUrl}/__stub/requests?contains=${encodeURIComponent(marker)}`)).json()) as {
    requests: Array<{ body: unknown }>;
  };
  const upstream = log.requests[0]?.body;
  if (log.requests.length !== 1 || typeof upstream !== "object")
    throw new Error(`expected one upstream request for ${marker}, got ${log.requests.length}`);
  console.error(`[bench:router] upstream body: ${JSON.stringify({ ...upstream, prompt: "…" })}`);
  const directBody = JSON.stringify(upstream);
  return {
    direct: () =>
      send(`${stack.backendUrl}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: directBody }),
    router,
    hop: () => send(`${stack.routerUrl}/health`, {}),
  };
}

async function send(url: string, init: RequestInit): Promise<void> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${init.method ?? "GET"} ${url} returned ${response.status}: ${text.slice(0, 300)}`);
}

/** `rounds` sequential rounds; the order rotates so no kind always follows another. */
async function runRounds(sends: Record<Kind, Send>, rounds: number): Promise<Record<Kind, number[]>> {
  const samples: Record<Kind, number[]> = { direct: [], router: [], hop: [] };
  const kinds: Kind[] = ["direct", "router", "hop"];
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < kinds.length; step++) {
      const kind = kinds[(round + step) % kinds.length] as Kind;
      const started = performance.now();
      await sends[kind]();
      samples[kind].push(performance.now() - started);
    }
  }
  return samples;
}

function count(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`${flag} must be an integer of at least ${min}, got ${text}\n${USAGE}`);
  return value;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
