/**
 * A minimal Chrome DevTools Protocol client over WebSocket, with a deadline on
 * the handshake and on every command: workerd's inspector answers only while
 * the isolate is idle, so a busy or wedged isolate must fail a bench, not hang it.
 */
import { WebSocket } from "ws";

export interface InspectorClient {
  /** Sends one CDP command; rejects on a protocol error, a closed socket or the deadline. */
  send<T>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** Calls `listener` with the params of every `method` event from now on. */
  on(method: string, listener: (params: unknown) => void): void;
  /** Closes the socket; commands still waiting are rejected. */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 1_000;

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Opens a CDP session on an inspector WebSocket (`ws://host:port/path`).
 *
 * @example
 * const client = await openInspectorClient("ws://127.0.0.1:9229/ws", 10_000);
 * const usage = await client.send<{ usedSize: number }>("Runtime.getHeapUsage");
 * await client.close();
 */
export async function openInspectorClient(url: string | URL, timeoutMs: number): Promise<InspectorClient> {
  // wrangler's inspector proxy refuses a client that sends a User-Agent but no
  // Origin; ws sends neither, and any local origin is on its allow list anyway.
  const socket = new WebSocket(url, { origin: "http://127.0.0.1", perMessageDeflate: false });
  await withDeadline(
    new Promise<void>((resolve, reject) => {
      socket.once("open", resolve);
      // Kept for the socket's life: an "error" without a listener would throw. Errors
      // after the handshake end in "close", which fails whatever is still waiting.
      socket.on("error", (error) => reject(new Error(`inspector WebSocket ${url} failed: ${error.message}`)));
    }),
    timeoutMs,
    `opening inspector WebSocket ${url}`,
  ).catch((error: unknown) => {
    socket.terminate();
    throw error;
  });

  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Array<(params: unknown) => void>>();
  let nextId = 1;
  const rejectAll = (reason: string) => {
    for (const [id, call] of pending) {
      clearTimeout(call.timer);
      call.reject(new Error(reason));
      pending.delete(id);
    }
  };

  socket.on("message", (data, isBinary) => {
    if (isBinary) return;
    const message = JSON.parse(data.toString("utf8")) as {
      id?: number;
      method?: string;
      params?: unknown;
      result?: unknown;
      error?: { message: string };
    };
    // A proxy may relay replies to its own commands (wrangler numbers them from 1e8): unknown ids are not ours.
    const call = message.id === undefined ? undefined : pending.get(message.id);
    if (call && message.id !== undefined) {
      pending.delete(message.id);
      clearTimeout(call.timer);
      if (message.error) call.reject(new Error(`CDP error: ${message.error.message}`));
      else call.resolve(message.result);
    } else if (message.method !== undefined) {
      for (const listener of listeners.get(message.method) ?? []) listener(message.params);
    }
  });
  socket.on("close", () => rejectAll(`inspector WebSocket ${url} closed`));

  return {
    send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      if (socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error(`inspector WebSocket ${url} is not open`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`CDP ${method} got no answer within ${timeoutMs} ms (is the isolate busy?)`));
        }, timeoutMs);
        pending.set(id, { resolve: (result) => resolve(result as T), reject, timer });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    on(method, listener) {
      listeners.set(method, [...(listeners.get(method) ?? []), listener]);
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      const closed = new Promise<void>((resolve) => socket.once("close", resolve));
      socket.close();
      // wrangler's inspector proxy never answers a close frame (it does drop its end
      // of the session on receipt), so after a short grace the connection is cut.
      await withDeadline(closed, Math.min(timeoutMs, CLOSE_GRACE_MS), `closing inspector WebSocket ${url}`).catch(() => socket.terminate());
      await closed;
    },
  };
}

function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
