import { createApp } from "./app";
import { consumeBatchQueue } from "./routes/consume-batch-queue";
import type { Env } from "./config/env";

const app = createApp();

/** The Worker entry point: HTTP, and the async batch queues. */
export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: (batch, env) => consumeBatchQueue(batch, env),
} satisfies ExportedHandler<Env>;
