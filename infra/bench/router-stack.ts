/**
 * The two processes `npm run bench:router` compares: the reference backend's
 * scripted engine (`npm run backend:stub`, as a child on a free port) and the
 * router under wrangler's dev server (`unstable_dev`, the same workerd and
 * proxy as `wrangler dev`) with GPU_BASE_URL pointing at it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { unstable_dev } from "wrangler";
import { runWrangler } from "../run-wrangler";
import { openInspectorClient } from "./inspector-client";
import { findFreePort, findInspectorUrl } from "./isolate-memory";

/** A started backend and router; `stop` ends both. */
export interface RouterStack {
  /** The scripted backend's base URL, e.g. `http://127.0.0.1:41234`. */
  backendUrl: string;
  /** The router's base URL: wrangler's dev server, or workerd's direct socket (`startWorkerdStack`). */
  routerUrl: string;
  /** Where CDP reaches the Worker's isolate: wrangler's inspector proxy, or workerd's own inspector (0 when not asked for). */
  inspectorPort: number;
  stop(): Promise<void>;
}

const BACKEND_START_MS = 60_000;

/**
 * Starts the scripted backend, then the Worker (`src/index.ts`) with
 * `GPU_BASE_URL` at it plus `vars`, a fresh local persist folder and the
 * inspector on a free port. Resolves once the Worker has answered `/health`.
 *
 * @example
 * const stack = await startRouterStack({});
 * await fetch(`${stack.routerUrl}/health`);
 * await stack.stop();
 */
export async function startRouterStack(
  vars: Record<string, string>,
  options: { rateLimit?: boolean; edgeModelPath?: string } = {},
): Promise<RouterStack> {
  const backend = await startScriptedBackend();
  const persistTo = mkdtempSync(join(tmpdir(), "router-bench-"));
  const config = writeBenchConfig(options.rateLimit === true);
  const inspectorPort = await findFreePort();
  try {
    process.env.WRANGLER_SEND_METRICS = "false";
    process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
    if (options.edgeModelPath) seedEdgeModel(config, persistTo, options.edgeModelPath);
    const worker = await unstable_dev("src/index.ts", {
      config,
      experimental: { disableExperimentalWarning: true },
      vars: { GPU_BASE_URL: backend.url, ...vars },
      persistTo,
      inspectorPort,
      logLevel: "error",
    });
    const routerUrl = `http://${worker.address}:${worker.port}`;
    // The Worker's own workerd starts after wrangler's proxy; the first request waits for it.
    await (await fetch(`${routerUrl}/health`)).arrayBuffer();
    return {
      backendUrl: backend.url,
      routerUrl,
      inspectorPort,
      async stop() {
        await worker.stop();
        await backend.stop();
        rmSync(persistTo, { recursive: true, force: true });
        rmSync(config, { force: true });
      },
    };
  } catch (error) {
    await backend.stop();
    rmSync(persistTo, { recursive: true, force: true });
    rmSync(config, { force: true });
    throw error;
  }
}

/** Puts an edge model where the dev server's local R2 will find it (`npm run model:seed` does the same for `npm run dev`). */
function seedEdgeModel(config: string, persistTo: string, modelPath: string): void {
  const key = readFileSync(config, "utf8").match(/^EDGE_MODEL_KEY = "(.*)"$/m)?.[1];
  if (!key) throw new Error("wrangler.toml has no EDGE_MODEL_KEY");
  runWrangler(["r2", "object", "put", `zeroshot-models/${key}`, "--file", modelPath, "--local", "--persist-to", persistTo, "-c", config]);
}

/**
 * Turns off the Network events wrangler's dev server asks the Worker's
 * inspector for (its inspector proxy sends `Network.enable` whether or not a
 * DevTools window is open). With them on, every subrequest (the router's call
 * to the backend) is traced, serialized and relayed to the proxy's workerd:
 * dev-server work a deployed Worker does not do and GET /health does not show.
 *
 * @example
 * await disableNetworkEvents(stack.inspectorPort);
 */
export async function disableNetworkEvents(inspectorPort: number): Promise<void> {
  const client = await openInspectorClient(await findInspectorUrl(inspectorPort), 15_000);
  try {
    await client.send("Network.disable");
  } finally {
    await client.close();
  }
}

/**
 * `tsx infra/backend/cli.ts --engine scripted --port 0` as a child; its first
 * stdout line is its URL. Its stderr banner is dropped (stdout of the bench is JSON only).
 *
 * @example
 * const backend = await startScriptedBackend(); console.error(backend.url); await backend.stop();
 */
export async function startScriptedBackend(): Promise<{ url: string; stop(): Promise<void> }> {
  const cli = new URL("../backend/cli.ts", import.meta.url).pathname;
  const child = spawn(process.execPath, ["--import", "tsx", cli, "--engine", "scripted", "--host", "127.0.0.1", "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-2000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the scripted backend did not start within ${BACKEND_START_MS} ms: ${stderr}`)),
      BACKEND_START_MS,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the scripted backend exited with code ${code}: ${stderr}`));
    });
  });
  return { url, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Beside wrangler.toml, so its relative paths (main, assets, build) resolve the same; one per stack, as tests start stacks in parallel. */
const benchConfigPath = () => `.wrangler-bench-${process.pid}-${Math.random().toString(16).slice(2, 10)}.toml`;

/**
 * wrangler.toml for the bench, without the static assets (/docs), which
 * Cloudflare serves before the Worker runs but wrangler's dev server puts in
 * front of every request as another worker (~4 ms of noise on each figure),
 * and without the rate limiter, which miniflare runs as a separate worker
 * reached over IPC on every /v1 request, unlike Cloudflare's. With
 * `rateLimit` the limiter stays, raised out of the way (a run sends more
 * requests a minute than the production limit allows one client). The
 * caller removes the file.
 *
 * @example
 * const config = writeBenchConfig(false); // ".wrangler-bench-4242-1a2b3c4d.toml"
 */
export function writeBenchConfig(rateLimit: boolean): string {
  const config = readFileSync("wrangler.toml", "utf8");
  const raised = rateLimit
    ? config.replace(/(name = "RATE_LIMITER"[\s\S]*?simple = \{ limit = )\d+/, "$11000000000")
    : config.replace(/^\[\[ratelimits\]\]\nname = "RATE_LIMITER"\n(?:[^[\n].*\n|\n)*/m, "");
  if (raised === config) throw new Error("wrangler.toml has no RATE_LIMITER binding for the bench to adjust");
  const path = benchConfigPath();
  writeFileSync(path, raised.replace(/^\[assets\]\n(?:[^[\n].*\n|\n)*/m, "").replace(/^\[build\]\n(?:[^[\n].*\n|\n)*/m, ""));
  return path;
}
