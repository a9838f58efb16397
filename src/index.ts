import { createApp } from "./app";
import type { Env } from "./env";

const app = createApp();

/** The Worker entry point. */
export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
