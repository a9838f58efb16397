import { requireBucket } from "../batch/batch-store";
import { batchMessageSchema } from "../batch/batch-types";
import { failChunk, processChunk } from "../batch/process-chunk";
import { validateBatch } from "../batch/validate-batch";
import type { Env } from "../config/env";
import { loadConfig } from "../config/load-config";
import { describeError } from "../middleware/handle-error";
import { createPipelineDeps } from "../pipeline/create-pipeline-deps";

/** Must match `dead_letter_queue` in wrangler.toml; its batches reach the same handler. */
export const DEAD_LETTER_QUEUE = "zeroshot-batches-dlq";

/**
 * The Worker's `queue` handler: validates new jobs and runs the chunks of
 * `zeroshot-batches`, or turns dead chunks from the dead-letter queue into
 * error lines. Each message is acked once its work is written and retried
 * on any failure; after `max_retries` the queue moves it to the
 * dead-letter queue.
 *
 * @example
 * export default { fetch, queue: (batch, env) => consumeBatchQueue(batch, env) };
 */
export async function consumeBatchQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  const settings = config.asyncBatch;
  const bucket = requireBucket(settings);
  const deps = { pipeline: createPipelineDeps(config), describeError };
  const deadLetters = batch.queue === DEAD_LETTER_QUEUE;
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = batchMessageSchema.safeParse(message.body);
      if (!parsed.success) {
        // Redelivering a malformed message cannot fix it.
        console.error("dropping a malformed batch message", message.id, parsed.error.message);
        message.ack();
        return;
      }
      const work = parsed.data;
      try {
        if (work.kind === "validate") await validateBatch(bucket, work.batchId, settings);
        else if (deadLetters) await failChunk(bucket, work, settings);
        else await processChunk(bucket, work, deps, settings, { attempts: message.attempts });
        message.ack();
      } catch (error) {
        console.error(
          `batch ${work.batchId} ${work.kind === "chunk" ? `chunk ${work.chunk}` : "validation"} failed (attempt ${message.attempts})`,
          error,
        );
        message.retry();
      }
    }),
  );
}
