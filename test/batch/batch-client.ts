import { createExecutionContext, createMessageBatch, getQueueResult, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { BatchMessage } from "../../src/batch/batch-types";
import type { Env } from "../../src/config/env";
import worker from "../../src/index";

/** The test Worker's bindings (real miniflare R2 and Queues). */
export const testEnv = env as unknown as Env;

/** A parsed reply (`any` body: tests read arbitrary JSON). */
export interface Reply {
  status: number;
  body: any;
}

/**
 * One JSONL request line for a cheap `answer` item on the stub GPU.
 *
 * @example
 * answerLine("q-1", "marker-1");
 */
export function answerLine(customId: string, question: string): string {
  return JSON.stringify({
    custom_id: customId,
    method: "POST",
    url: "/v1/tasks/answer",
    body: { question, options: { backend: "gpu", max_tokens: 2 } },
  });
}

/**
 * Creates a batch by POSTing JSONL, through SELF (the real queue) or, with
 * `bindings`, straight into the Worker with those bindings replaced.
 *
 * @example
 * const { body } = await createBatch([answerLine("a", "Why?")]);
 */
export async function createBatch(lines: string[], bindings?: Partial<Env>): Promise<Reply> {
  const request = new Request("http://router.test/v1/batches", {
    method: "POST",
    headers: { "content-type": "application/jsonl" },
    body: `${lines.join("\n")}\n`,
  });
  return send(request, bindings);
}

/**
 * A GET or POST (with an optional JSON body) to the Worker, the reply parsed as JSON.
 *
 * @example
 * await call("GET", `/v1/batches/${id}`);
 */
export async function call(method: "GET" | "POST", path: string, bindings?: Partial<Env>, json?: unknown): Promise<Reply> {
  const init = json === undefined ? { method } : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(json) };
  return send(new Request(`http://router.test${path}`, init), bindings);
}

/**
 * The output JSONL of a batch, parsed line by line.
 *
 * @example
 * const lines = await readOutput(id);
 */
export async function readOutput(id: string, query = ""): Promise<any[]> {
  const response = await SELF.fetch(`http://router.test/v1/batches/${id}/output${query}`);
  if (response.status !== 200) throw new Error(`output: ${response.status} ${await response.text()}`);
  expect(response.headers.get("content-type")).toContain("application/jsonl");
  const text = new TextDecoder().decode(await response.arrayBuffer());
  return text === ""
    ? []
    : text
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line));
}

/**
 * Polls the batch until every chunk has output (or the time runs out).
 *
 * @example
 * const batch = await waitForBatch(id);
 */
export async function waitForBatch(id: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call("GET", `/v1/batches/${id}`);
    if (body.output_ready || body.status === "failed" || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A producer binding that keeps messages instead of queueing them, so a
 * test delivers them itself, in the order and as often as it wants.
 *
 * @example
 * const queue = captureQueue(); await createBatch(lines, { BATCH_QUEUE: queue.binding });
 */
export function captureQueue(): { binding: Queue<BatchMessage>; messages: BatchMessage[] } {
  const messages: BatchMessage[] = [];
  const binding = {
    send: async (body: BatchMessage) => void messages.push(body),
    sendBatch: async (batch: Iterable<{ body: BatchMessage }>) => void messages.push(...[...batch].map((m) => m.body)),
  } as unknown as Queue<BatchMessage>;
  return { binding, messages };
}

/**
 * Delivers messages to the Worker's `queue` handler (as delivery number
 * `attempts`) and reports which were acked and which retried.
 *
 * @example
 * const result = await deliver([message]);
 */
export async function deliver(messages: BatchMessage[], options: { queue?: string; bindings?: Partial<Env>; attempts?: number } = {}) {
  const batch = createMessageBatch<BatchMessage>(
    options.queue ?? "zeroshot-batches",
    messages.map((body, index) => ({
      id: `m-${body.kind === "chunk" ? body.chunk : "v"}-${index}`,
      timestamp: new Date(),
      attempts: options.attempts ?? 1,
      body,
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...testEnv, ...options.bindings });
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks as string[], retried: (result.retryMessages as { msgId: string }[]).map((m) => m.msgId) };
}

/**
 * Creates a job with a capturing queue and runs its validation, so the
 * test holds the chunk messages and delivers them itself.
 *
 * @example
 * const { id, chunks } = await createCaptured(lines, 2);
 */
export async function createCaptured(lines: string[], chunkLines = 2, vars: Partial<Env> = {}) {
  const queue = captureQueue();
  const bindings = { BATCH_QUEUE: queue.binding, BATCH_CHUNK_LINES: String(chunkLines), ...vars };
  const created = await createBatch(lines, bindings);
  expect(created.status).toBe(200);
  expect(queue.messages).toEqual([{ kind: "validate", batchId: created.body.id }]);
  const validate = queue.messages.splice(0);
  expect((await deliver(validate, { bindings })).acked).toHaveLength(1);
  const chunks = queue.messages.splice(0).filter((message) => message.kind === "chunk");
  return { id: created.body.id as string, chunks, bindings };
}

async function send(request: Request, bindings?: Partial<Env>): Promise<Reply> {
  const response = bindings
    ? await worker.fetch(request as Parameters<typeof worker.fetch>[0], { ...testEnv, ...bindings }, createExecutionContext())
    : await SELF.fetch(request);
  return { status: response.status, body: await response.json() };
}
