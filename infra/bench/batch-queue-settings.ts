/**
 * The settings that govern how fast `wrangler dev` consumes an async batch,
 * read from wrangler.toml for the report: `unstable_dev` takes no queue
 * consumer overrides, so the bench runs with the file's values.
 */
import { readFileSync } from "node:fs";

/** The batch queue's consumer settings and the chunking vars in effect. */
export interface QueueSettings {
  queue: string;
  max_batch_size?: number;
  max_batch_timeout_s?: number;
  max_retries?: number;
  dead_letter_queue?: string;
  BATCH_CHUNK_LINES?: number;
  BATCH_CHUNK_CONCURRENCY?: number;
  note: string;
}

const QUEUE = "zeroshot-batches";

// From miniflare's queue broker (node_modules/miniflare/dist/src/workers/queues/broker.worker.js).
const NOTE =
  "from wrangler.toml (unstable_dev has no queue overrides); miniflare's broker dispatches one consumer batch at a time per queue: " +
  "a full batch right after the previous one finishes, a partial one after max_batch_timeout; a retried message is requeued at once (no retry_delay)";

/**
 * The `[[queues.consumers]]` block of `zeroshot-batches` in `path`, with
 * BATCH_CHUNK_LINES and BATCH_CHUNK_CONCURRENCY from `[vars]`, `overrides` winning.
 *
 * @example
 * readQueueSettings("wrangler.toml", { BATCH_CHUNK_LINES: "100" }).max_batch_size; // 4
 */
export function readQueueSettings(path: string, overrides: Record<string, string>): QueueSettings {
  const toml = readFileSync(path, "utf8");
  const block = new RegExp(`^\\[\\[queues\\.consumers\\]\\]\\nqueue = "${QUEUE}"\\n((?:[^[\\n].*\\n)*)`, "m").exec(toml)?.[1] ?? "";
  const value = (text: string, key: string) => new RegExp(`^${key}\\s*=\\s*"?([^"\\n]*)"?`, "m").exec(text)?.[1];
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  const variable = (key: string) => number(overrides[key] ?? value(toml, key));
  return {
    queue: QUEUE,
    max_batch_size: number(value(block, "max_batch_size")),
    max_batch_timeout_s: number(value(block, "max_batch_timeout")),
    max_retries: number(value(block, "max_retries")),
    dead_letter_queue: value(block, "dead_letter_queue"),
    BATCH_CHUNK_LINES: variable("BATCH_CHUNK_LINES"),
    BATCH_CHUNK_CONCURRENCY: variable("BATCH_CHUNK_CONCURRENCY"),
    note: NOTE,
  };
}
