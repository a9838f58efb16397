/**
 * A Worker isolate's memory as Cloudflare counts it against the 128 MB limit
 * (JS heap + WebAssembly memory, plus ArrayBuffer backing stores, which live
 * outside the heap), read from outside through workerd's V8 inspector.
 *
 * Under `unstable_dev` (and `wrangler dev`) the port given as `inspectorPort`
 * is wrangler's inspector proxy (`ws://127.0.0.1:PORT/ws`, a Worker in wrangler's
 * own workerd); it relays every CDP command to the user Worker's workerd, whose
 * inspector (`ws://127.0.0.1:RANDOM/core:user:NAME`) is what answers Runtime.*.
 * A bare Miniflare's `getInspectorURL()` port is that workerd inspector itself.
 */
import { createServer } from "node:net";
import { openInspectorClient, type InspectorClient } from "./inspector-client";

/** Bytes, measured after the forced GC that `Runtime.queryObjects` runs. */
export interface IsolateMemory {
  /** Sum of `buffer.byteLength` over live `WebAssembly.Memory` objects. */
  wasm_memory_bytes: number;
  /** V8 heap in use (`Runtime.getHeapUsage` usedSize). */
  js_heap_used_bytes: number;
  /** V8 heap reserved (`Runtime.getHeapUsage` totalSize). */
  js_heap_total_bytes: number;
  /** Sum of `byteLength` over live ArrayBuffers that are not a wasm memory's buffer. */
  array_buffer_bytes: number;
  /** wasm_memory_bytes + js_heap_used_bytes + array_buffer_bytes. */
  isolate_bytes: number;
}

export interface IsolateInspector {
  /** Measures once; call it between requests, as the inspector waits for an idle isolate. */
  measure(): Promise<IsolateMemory>;
  /** `Runtime.getHeapUsage` alone: no forced GC, so garbage counts too, but cheap enough to call while the Worker works. */
  heapUsage(): Promise<{ usedSize: number; totalSize: number }>;
  close(): Promise<void>;
}

interface RemoteObject {
  objectId?: string;
  value?: unknown;
}

/** What Runtime.evaluate and Runtime.callFunctionOn answer; a throw comes back as exceptionDetails. */
interface EvaluateResult {
  result: RemoteObject;
  exceptionDetails?: { text: string; exception?: { description?: string } };
}

const DEFAULT_TIMEOUT_MS = 15_000;

// Runs in the Worker with `this` = the live ArrayBuffers; a wasm memory's buffer
// is an ArrayBuffer too, so it is summed once, as wasm. Plain loops, so a Worker
// that patched Array.prototype cannot skew the figure.
const SUM_BUFFERS = `function (memories) {
  const wasmBuffers = new Set();
  let wasm = 0;
  for (let i = 0; i < memories.length; i++) {
    wasmBuffers.add(memories[i].buffer);
    wasm += memories[i].buffer.byteLength;
  }
  let arrayBuffers = 0;
  for (let i = 0; i < this.length; i++) if (!wasmBuffers.has(this[i])) arrayBuffers += this[i].byteLength;
  return { wasm, arrayBuffers };
}`;

/**
 * Connects to the inspector of one Worker isolate (a URL from `findInspectorUrl`);
 * every CDP command, and the connection, fails after `timeoutMs`.
 *
 * @example
 * const inspectorPort = await findFreePort();
 * const worker = await unstable_dev("src/index.ts", { inspectorPort });
 * await worker.fetch("/health");
 * const inspector = await connectIsolateInspector(await findInspectorUrl(inspectorPort));
 * const { isolate_bytes } = await inspector.measure();
 * await inspector.close();
 */
export async function connectIsolateInspector(url: string | URL, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<IsolateInspector> {
  const client = await openInspectorClient(url, timeoutMs);
  let contextId: number | undefined;
  client.on("Runtime.executionContextCreated", (params) => {
    contextId = (params as { context: { id: number } }).context.id;
  });
  client.on("Runtime.executionContextsCleared", () => {
    contextId = undefined;
  });
  try {
    // workerd has no default context, so Runtime.evaluate needs the Worker's id, which
    // only Runtime.enable reports. wrangler's proxy enabled Runtime on its own session
    // before we came, so disabling first makes enable report the context again.
    await client.send("Runtime.disable");
    await client.send("Runtime.enable");
  } catch (error) {
    await client.close();
    throw error;
  }
  let measurements = 0;
  return {
    async measure() {
      if (contextId === undefined) throw new Error("the inspector reported no execution context for the Worker");
      const group = `isolate-memory-${++measurements}`;
      try {
        const memories = await queryLiveObjects(client, contextId, "WebAssembly.Memory.prototype", group);
        const buffers = await queryLiveObjects(client, contextId, "ArrayBuffer.prototype", group);
        const sums = await client.send<EvaluateResult>("Runtime.callFunctionOn", {
          objectId: buffers,
          functionDeclaration: SUM_BUFFERS,
          arguments: [{ objectId: memories }],
          returnByValue: true,
        });
        const { wasm, arrayBuffers } = resultOf(sums, "summing buffer sizes").value as { wasm: number; arrayBuffers: number };
        // Read after queryObjects' GC, so the heap holds live objects only.
        const heap = await client.send<{ usedSize: number; totalSize: number }>("Runtime.getHeapUsage");
        return {
          wasm_memory_bytes: wasm,
          js_heap_used_bytes: heap.usedSize,
          js_heap_total_bytes: heap.totalSize,
          array_buffer_bytes: arrayBuffers,
          isolate_bytes: wasm + heap.usedSize + arrayBuffers,
        };
      } finally {
        // The arrays queryObjects returned keep every buffer alive until released.
        await client.send("Runtime.releaseObjectGroup", { objectGroup: group }).catch(() => undefined);
      }
    },
    heapUsage: () => client.send("Runtime.getHeapUsage"),
    close: () => client.close(),
  };
}

/**
 * The WebSocket URL of the user Worker's inspector on `inspectorPort`, from its
 * `/json/list`: wrangler's proxy lists its one target; a workerd inspector lists
 * every service, of which the user Worker is `core:user:NAME` (pass `worker`
 * when there are several). `unstable_dev` reports no inspector port, so pass it
 * one (`findFreePort`); with `VSCODE_INSPECTOR_OPTIONS` set wrangler opens none.
 *
 * @example
 * const url = await findInspectorUrl(inspectorPort); // "ws://127.0.0.1:PORT/ws"
 */
export async function findInspectorUrl(
  inspectorPort: number,
  options: { host?: string; worker?: string; timeoutMs?: number } = {},
): Promise<string> {
  const { host = "127.0.0.1", worker, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const response = await fetch(`http://${host}:${inspectorPort}/json/list`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`inspector /json/list on port ${inspectorPort} returned ${response.status}`);
  const targets = (await response.json()) as Array<{ id: string; webSocketDebuggerUrl: string }>;
  const userWorkers = targets.filter(({ id }) => (worker === undefined ? id.startsWith("core:user:") : id === `core:user:${worker}`));
  const candidates = userWorkers.length > 0 ? userWorkers : targets;
  const [target] = candidates;
  if (target === undefined || candidates.length > 1) {
    throw new Error(
      `expected one Worker target on inspector port ${inspectorPort}, found: ${targets.map(({ id }) => id).join(", ") || "none"}`,
    );
  }
  return target.webSocketDebuggerUrl;
}

/**
 * A TCP port free on 127.0.0.1 right now (the OS picks it), for `unstable_dev`'s
 * `inspectorPort`; another process could take it before wrangler binds it.
 *
 * @example
 * const worker = await unstable_dev(script, { inspectorPort: await findFreePort() });
 */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("could not read the port the OS picked");
  return address.port;
}

/** An array (remote object id) of every live object whose prototype chain holds `prototypeExpression`. */
async function queryLiveObjects(client: InspectorClient, contextId: number, prototypeExpression: string, group: string): Promise<string> {
  const prototype = await client.send<EvaluateResult>("Runtime.evaluate", {
    expression: prototypeExpression,
    contextId,
    objectGroup: group,
  });
  const result = resultOf(prototype, prototypeExpression);
  if (result.objectId === undefined) throw new Error(`${prototypeExpression} did not evaluate to an object`);
  const { objects } = await client.send<{ objects: RemoteObject }>("Runtime.queryObjects", {
    prototypeObjectId: result.objectId,
    objectGroup: group,
  });
  if (objects.objectId === undefined) throw new Error(`queryObjects on ${prototypeExpression} returned no array`);
  return objects.objectId;
}

function resultOf(reply: EvaluateResult, what: string): RemoteObject {
  const { exceptionDetails } = reply;
  if (exceptionDetails) throw new Error(`${what} threw in the Worker: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return reply.result;
}
