/**
 * The router served by workerd itself, the runtime Cloudflare runs it on,
 * for `npm run bench:router`: the Worker bundled as `wrangler deploy` bundles
 * it, run by miniflare with a direct socket, so a request meets neither
 * wrangler's dev proxy (a second workerd), nor miniflare's entry worker, nor
 * an attached inspector, and its fetch to the backend goes straight out
 * rather than through miniflare's outbound Worker (see OUTBOUND). Beside it,
 * in the same workerd, a bare relay Worker that forwards a body to the
 * backend and returns the answer: the least any Worker in front of the
 * backend costs on this machine.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { runWrangler } from "../run-wrangler";
import { findFreePort } from "./isolate-memory";
import { type RouterStack, startScriptedBackend, writeBenchConfig } from "./router-stack";

/** A started backend, router and relay; `stop` ends them. `inspectorPort` is workerd's own with `inspect`, else 0. */
export type WorkerdStack = RouterStack & {
  /** The relay's direct socket: POST a completion body, get the backend's answer. */
  relayUrl: string;
};

// By default miniflare sends every fetch a Worker makes through a JavaScript Worker of its own that
// drops CF-Connecting-IP and adds CF-Worker, as Cloudflare's network does to subrequests outside the
// isolate: a second Worker invocation per subrequest (README: "The router's own cost"), on no
// deployed Worker's path.
const OUTBOUND = { stripCfConnectingIp: false };

// The thinnest Worker router: no validation, prompt, routing, timeout or log line.
const RELAY_SCRIPT = `export default {
  async fetch(request, env) {
    const upstream = await fetch(env.BACKEND_URL + "/v1/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: await request.text(),
    });
    return new Response(await upstream.text(), { status: upstream.status, headers: { "content-type": "application/json" } });
  },
};`;

/**
 * Bundles the Worker without its static assets (and without the rate limiter
 * unless `rateLimit`, as `startRouterStack` does), starts the scripted
 * backend, then workerd with the router and the relay.
 *
 * @example
 * const stack = await startWorkerdStack({});
 * await fetch(`${stack.routerUrl}/health`);
 * await stack.stop();
 */
export async function startWorkerdStack(options: { rateLimit?: boolean; inspect?: boolean }): Promise<WorkerdStack> {
  const config = writeBenchConfig(options.rateLimit === true);
  const outdir = mkdtempSync(join(tmpdir(), "router-bundle-"));
  // Undone in reverse on stop, or on a failed start as far as it got.
  const undo: Array<() => unknown> = [() => rmSync(config, { force: true }), () => rmSync(outdir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of undo.reverse()) await step();
  };
  try {
    bundleWorker(config, outdir);
    const backend = await startScriptedBackend();
    undo.push(backend.stop);
    const inspectorPort = options.inspect ? await findFreePort() : 0;
    const { workerOptions } = unstable_getMiniflareWorkerOptions(config);
    const direct = [{ host: "127.0.0.1", port: 0, proxy: false }];
    const miniflare = new Miniflare({
      ...(options.inspect ? { inspectorPort } : {}),
      // workerd's stdout carries the router's log lines; read and dropped so the pipe never fills.
      handleRuntimeStdio(stdout: Readable, stderr: Readable) {
        stdout.resume();
        stderr.resume();
      },
      workers: [
        {
          ...workerOptions,
          name: "router",
          assets: undefined,
          modules: bundleModules(outdir),
          // Module names relative to the bundle, so its `import "./….wasm"` resolves.
          modulesRoot: outdir,
          bindings: { ...workerOptions.bindings, GPU_BASE_URL: backend.url },
          unsafeDirectSockets: direct,
          ...OUTBOUND,
        },
        {
          name: "relay",
          modules: true,
          script: RELAY_SCRIPT,
          compatibilityDate: workerOptions.compatibilityDate,
          compatibilityFlags: workerOptions.compatibilityFlags,
          bindings: { BACKEND_URL: backend.url },
          unsafeDirectSockets: direct,
          ...OUTBOUND,
        },
      ],
    });
    undo.push(() => miniflare.dispose());
    await miniflare.ready;
    const routerUrl = (await miniflare.unsafeGetDirectURL("router")).origin;
    const relayUrl = (await miniflare.unsafeGetDirectURL("relay")).origin;
    return { backendUrl: backend.url, routerUrl, relayUrl, inspectorPort, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `wrangler deploy --dry-run`: the same esbuild bundle a deploy uploads. */
function bundleWorker(config: string, outdir: string): void {
  runWrangler(["deploy", "--dry-run", "--env", "", "--outdir", outdir, "-c", config]);
}

/**
 * The bundle as explicit modules: its entry plus the WebAssembly files it
 * imports. Listed rather than found by miniflare, whose module walk refuses
 * the dynamic `import()` that onnxruntime-web's bundle carries.
 */
function bundleModules(outdir: string): Array<{ type: "ESModule" | "CompiledWasm"; path: string }> {
  const wasm = readdirSync(outdir).filter((name) => name.endsWith(".wasm"));
  return [
    { type: "ESModule", path: join(outdir, "index.js") },
    ...wasm.map((name) => ({ type: "CompiledWasm" as const, path: join(outdir, name) })),
  ];
}
