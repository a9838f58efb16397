import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_dev, type Unstable_DevWorker } from "wrangler";
import {
  connectIsolateInspector,
  findFreePort,
  findInspectorUrl,
  type IsolateInspector,
  type IsolateMemory,
} from "../../../infra/bench/isolate-memory";

const MIB = 1024 * 1024;

// Each path keeps 10 MiB alive in one of the three places the measure tells apart;
// a double array stores 8-byte elements in one heap object.
const WORKER = `
const kept = [];
export default {
  fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/wasm") kept.push(new WebAssembly.Memory({ initial: 160 }));
    if (pathname === "/array") kept.push(new Array(${(10 * MIB) / 8}).fill(0.5));
    if (pathname === "/buffer") kept.push(new ArrayBuffer(${10 * MIB}));
    return new Response("kept " + kept.length);
  },
};
`;

describe("connectIsolateInspector on an unstable_dev Worker", () => {
  let dir: string;
  let worker: Unstable_DevWorker | undefined;
  let inspector: IsolateInspector | undefined;

  beforeAll(async () => {
    process.env.WRANGLER_SEND_METRICS = "false";
    process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
    dir = mkdtempSync(join(tmpdir(), "isolate-memory-"));
    writeFileSync(join(dir, "worker.js"), WORKER);
    const inspectorPort = await findFreePort();
    worker = await unstable_dev(join(dir, "worker.js"), {
      experimental: { disableExperimentalWarning: true },
      compatibilityDate: "2026-04-20",
      inspectorPort,
      logLevel: "error",
    });
    // The proxy is up when unstable_dev resolves; this waits for the Worker's own workerd.
    await (await worker.fetch("/")).text();
    inspector = await connectIsolateInspector(await findInspectorUrl(inspectorPort));
  }, 30_000);

  afterAll(async () => {
    await inspector?.close();
    await worker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const measureAfter = async (path: string): Promise<IsolateMemory> => {
    await (await worker!.fetch(path)).text();
    return inspector!.measure();
  };

  it("sees 10 MiB of wasm memory, of JS array and of ArrayBuffer each land in their own figure", async () => {
    const base = await measureAfter("/");
    expect(base.js_heap_used_bytes).toBeGreaterThan(0);
    expect(base.js_heap_total_bytes).toBeGreaterThanOrEqual(base.js_heap_used_bytes);

    const wasm = await measureAfter("/wasm");
    expect(wasm.wasm_memory_bytes - base.wasm_memory_bytes).toBe(10 * MIB);
    // The memory's buffer is an ArrayBuffer too: counted once, as wasm.
    expect(Math.abs(wasm.array_buffer_bytes - base.array_buffer_bytes)).toBeLessThan(MIB / 4);
    expect(Math.abs(wasm.js_heap_used_bytes - base.js_heap_used_bytes)).toBeLessThan(MIB);

    const array = await measureAfter("/array");
    expect(array.js_heap_used_bytes - wasm.js_heap_used_bytes).toBeGreaterThan(9.5 * MIB);
    expect(array.js_heap_used_bytes - wasm.js_heap_used_bytes).toBeLessThan(11 * MIB);
    expect(array.wasm_memory_bytes).toBe(wasm.wasm_memory_bytes);
    // Checked again here: V8 may make the memory's ArrayBuffer object only when the
    // first measure reads `.buffer`, so only later measures could double count it.
    expect(Math.abs(array.array_buffer_bytes - base.array_buffer_bytes)).toBeLessThan(MIB / 4);

    const buffer = await measureAfter("/buffer");
    expect(buffer.array_buffer_bytes - array.array_buffer_bytes).toBeGreaterThan(9.9 * MIB);
    expect(buffer.array_buffer_bytes - array.array_buffer_bytes).toBeLessThan(10.25 * MIB);
    // The backing store lives outside the heap.
    expect(Math.abs(buffer.js_heap_used_bytes - array.js_heap_used_bytes)).toBeLessThan(MIB);

    expect(buffer.isolate_bytes).toBe(buffer.wasm_memory_bytes + buffer.js_heap_used_bytes + buffer.array_buffer_bytes);
    expect(buffer.isolate_bytes - base.isolate_bytes).toBeGreaterThan(29 * MIB);
    expect(buffer.isolate_bytes - base.isolate_bytes).toBeLessThan(32 * MIB);
  }, 20_000);
});

describe("connectIsolateInspector on an inspector that never answers", () => {
  let server: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Completes the WebSocket handshake, then stays silent, like a wedged isolate.
    server = createServer().on("upgrade", (request, socket: Socket) => {
      sockets.push(socket);
      const accept = createHash("sha1")
        .update(`${request.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
        .digest("base64");
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("gives up after the timeout instead of hanging", async () => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    const started = performance.now();
    await expect(connectIsolateInspector(`ws://127.0.0.1:${address.port}/ws`, 300)).rejects.toThrow(/no answer within 300 ms/);
    // One deadline for the unanswered command, one for the unacknowledged close.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
