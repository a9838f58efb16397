/**
 * `npm run bench:router`: what the router adds to a GPU answer request, in one run.
 *   npm run bench:router                                  # 300 rounds after 50 warm-up rounds
 *   npm run bench:router -- --requests 1000 --warmup 100
 *   npm run bench:router -- --profile 400                 # and workerd CPU time and a CPU profile of 400 router requests
 *   npm run bench:router -- --profile 400 --profile-out router.cpuprofile  # keeping the raw profile
 *   npm run bench:router -- --dev-server                  # through `wrangler dev` instead
 * Starts the scripted reference backend and the Worker, then runs sequential
 * rounds of requests in rotating order: (a) the backend directly, with
 * exactly the body the router sent it for the same answer request (read back
 * from the backend's request log), (b) POST /v1/tasks/answer through the
 * router, (c) GET /health on the router, the runtime's own hop plus the
 * router's cheapest route, and (d) the same body as (a) through a bare relay
 * Worker. overhead = router - direct - hop, per percentile; the relay's
 * overhead, computed the same way, is the floor any Worker in front of the
 * backend pays on this machine.
 *
 * By default the Worker runs in workerd itself, bundled as a deploy bundles
 * it, on a direct socket and with its subrequests going straight out
 * (workerd-stack.ts): Cloudflare's runtime without the dev server's parts
 * (the bench stops if the backend sees miniflare's outbound Worker's
 * CF-Worker header). `--dev-server` runs it under wrangler's dev server
 * instead (router-stack.ts, no relay): its proxy worker, miniflare's entry
 * worker and its attached inspector add their own time to every request,
 * miniflare's outbound Worker to every subrequest, and the proxy more to a
 * POST with a body than to GET /health. There, wrangler's inspector proxy
 * has the Worker trace every subrequest for DevTools' Network panel, which a
 * deployed Worker does not do; the bench turns that off unless
 * --devtools-network. In both, the static assets and the rate limiter are
 * left out of the Worker's config unless --rate-limit: miniflare runs each as
 * an extra worker, not in Cloudflare's path. Prints one JSON document on
 * stdout; progress goes to stderr.
 */
import { parseArgs } from "node:util";
import { profileWorker } from "./cpu-profile";
import { percentiles, subtract, type Percentiles } from "./percentiles";
import { disableNetworkEvents, startRouterStack, type RouterStack } from "./router-stack";
import { measureWorkerdCpu } from "./workerd-cpu";
import { startWorkerdStack } from "./workerd-stack";
import { parseCount } from "./cli-args";

const USAGE =
  "usage: npm run bench:router -- [--requests 300] [--warmup 50] [--profile N] [--interval-us 50] [--profile-out FILE.cpuprofile] [--dev-server [--devtools-network]] [--rate-limit]";
const TARGET_P50_MS = 0.5;

type Kind = "direct" | "router" | "hop" | "relay";

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
      "dev-server": { type: "boolean", default: false },
      "devtools-network": { type: "boolean", default: false },
      "rate-limit": { type: "boolean", default: false },
    },
  });
  const requests = parseCount(values.requests, "--requests", 1, USAGE);
  const warmup = parseCount(values.warmup, "--warmup", 0, USAGE);
  const profiled = parseCount(values.profile, "--profile", 0, USAGE);
  const intervalUs = parseCount(values["interval-us"], "--interval-us", 1, USAGE);
  const devServer = values["dev-server"];
  const rateLimit = values["rate-limit"];

  console.error(`[bench:router] starting the scripted backend and ${devServer ? "wrangler dev" : "workerd"}`);
  const stack: Stack = devServer
    ? await startRouterStack({}, { rateLimit })
    : await startWorkerdStack({ rateLimit, inspect: profiled > 0 });
  try {
    const networkEvents = devServer && values["devtools-network"];
    if (devServer && !networkEvents) await disableNetworkEvents(stack.inspectorPort);
    const sends = await prepareRequests(stack);
    console.error(`[bench:router] ${warmup} warm-up rounds, then ${requests} measured rounds`);
    await runRounds(sends, warmup);
    const samples = await runRounds(sends, requests);
    const figures = Object.fromEntries(Object.entries(samples).map(([kind, times]) => [kind, percentiles(times)]));
    const { direct, router, hop, relay } = figures as Partial<Record<Kind, Percentiles>>;
    if (!direct || !router || !hop) throw new Error("a kind of request has no samples");
    const overhead = subtract(router, direct, hop);
    const report: Record<string, unknown> = {
      runtime: devServer ? "wrangler-dev" : "workerd",
      requests,
      warmup,
      ...figures,
      overhead_ms: overhead,
      ...(relay ? { relay_overhead_ms: subtract(relay, direct, hop) } : {}),
      target_p50_ms: TARGET_P50_MS,
      meets_target: overhead.p50 <= TARGET_P50_MS,
      ...(devServer ? { devtools_network_events: networkEvents } : {}),
      rate_limiter: rateLimit,
    };
    if (profiled > 0) Object.assign(report, await profileRouter(stack, sends, profiled, intervalUs, values["profile-out"], devServer));
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await stack.stop();
  }
}

/** Either stack: the dev server's has no relay. */
type Stack = RouterStack & { relayUrl?: string };

/** workerd's CPU time per request (router, /health, relay), then a V8 CPU profile of `profiled` router requests. */
async function profileRouter(
  stack: Stack,
  sends: Partial<Record<Kind, Send>> & Record<"router" | "hop", Send>,
  profiled: number,
  intervalUs: number,
  rawPath: string | undefined,
  devServer: boolean,
): Promise<Record<string, unknown>> {
  console.error(`[bench:router] workerd CPU time of ${profiled} requests of each kind`);
  const cpu: Record<string, { worker: number; proxy?: number }> = {};
  for (const kind of ["router", "hop", "relay"] as const) {
    const sendOne = sends[kind];
    if (!sendOne) continue;
    const measured = await measureWorkerdCpu(profiled, sendOne);
    cpu[kind] = devServer
      ? { worker: measured.worker_ms_per_request, proxy: measured.proxy_ms_per_request }
      : { worker: measured.worker_ms_per_request };
  }
  console.error(`[bench:router] profiling ${profiled} router requests, sampling every ${intervalUs} µs`);
  const work = async () => {
    for (let index = 0; index < profiled; index++) await sends.router();
  };
  const profile = await profileWorker(stack.inspectorPort, intervalUs, work, rawPath, devServer ? undefined : "router");
  return { workerd_cpu_ms_per_request: cpu, profile };
}

/**
 * The requests of a round (three under the dev server, four with the relay). One router request first, so the backend's log
 * holds the exact upstream body to replay directly. The backend is this run's own,
 * so a fixed marker finds it, and every run asks the same question (the scripted
 * engine's answer, so the upstream stream, depends on the prompt).
 */
async function prepareRequests(stack: Stack): Promise<Partial<Record<Kind, Send>> & Record<"direct" | "router" | "hop", Send>> {
  const marker = "[bench:router]";
  const taskBody = JSON.stringify({ question: `who discovered penicillin ${marker}`, options: { backend: "gpu" } });
  const router = () =>
    send(`${stack.routerUrl}/v1/tasks/answer`, { method: "POST", headers: { "content-type": "application/json" }, body: taskBody });
  await router();
  const log = (await (await fetch(`${stack.backendUrl}/__stub/requests?contains=${encodeURIComponent(marker)}`)).json()) as {
    requests: Array<{ body: unknown; headers: Record<string, string> }>;
  };
  const [first] = log.requests;
  const upstream = first?.body;
  if (log.requests.length !== 1 || typeof upstream !== "object")
    throw new Error(`expected one upstream request for ${marker}, got ${log.requests.length}`);
  // Only the workerd stack (the one with a relay) turns miniflare's outbound Worker off; it adds CF-Worker.
  if (stack.relayUrl && first?.headers["cf-worker"] !== undefined)
    throw new Error("the router's subrequest went through miniflare's outbound Worker, which no deployed Worker passes");
  console.error(`[bench:router] upstream body: ${JSON.stringify({ ...upstream, prompt: "…" })}`);
  const directBody = JSON.stringify(upstream);
  return {
    direct: () =>
      send(`${stack.backendUrl}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: directBody }),
    router,
    hop: () => send(`${stack.routerUrl}/health`, {}),
    ...(stack.relayUrl
      ? { relay: () => send(`${stack.relayUrl}/`, { method: "POST", headers: { "content-type": "application/json" }, body: directBody }) }
      : {}),
  };
}

async function send(url: string, init: RequestInit): Promise<void> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${init.method ?? "GET"} ${url} returned ${response.status}: ${text.slice(0, 300)}`);
}

/** `rounds` sequential rounds; the order rotates so no kind always follows another. */
async function runRounds(sends: Partial<Record<Kind, Send>>, rounds: number): Promise<Partial<Record<Kind, number[]>>> {
  const kinds = (["direct", "router", "hop", "relay"] as const).filter((kind) => sends[kind]);
  const samples: Partial<Record<Kind, number[]>> = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < kinds.length; step++) {
      const kind = kinds[(round + step) % kinds.length] as Kind;
      const started = performance.now();
      await sends[kind]?.();
      samples[kind]?.push(performance.now() - started);
    }
  }
  return samples;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
