import type { OpenAPIHono } from "@hono/zod-openapi";
import { swaggerUI } from "@hono/swagger-ui";
import type { AppEnv } from "../config/env";

/**
 * Where the page loads Swagger UI from: @hono/swagger-ui appends
 * `/swagger-ui-dist/swagger-ui-bundle.js` and `/swagger-ui-dist/swagger-ui.css`.
 * These are the Worker's own static assets (public/docs/, see wrangler.toml and
 * scripts/copy-docs-assets.mjs), so the page never reaches a CDN.
 */
export const DOCS_ASSETS_BASE = "/docs";

/** The tags the routes use, in the order the reference lists them. */
const TAGS = [
  { name: "tasks", description: "The GPT-2 paper's zero-shot tasks: one POST per task, and the catalog of them." },
  { name: "batch", description: "Many task requests in one call, answered together." },
  { name: "batches", description: "Async batches from OpenAI Batch JSONL: create, poll, read the output, cancel." },
  { name: "openai", description: "OpenAI's completions API on the served models; the official clients work unchanged." },
  { name: "service", description: "Liveness and the configured backends." },
];

/**
 * Mounts `GET /openapi.json` (the OpenAPI 3.1 document of every route
 * registered with `app.openapi`, built when asked for, so routes registered
 * later are in it too) and `GET /docs`, an interactive reference of that
 * document (Swagger UI, loaded from the Worker's static assets).
 *
 * @example
 * registerDocs(app);
 * await app.request("/docs"); // text/html, scripts from /docs/swagger-ui-dist/
 */
export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "zeroshot-router",
      version: "0.1.0",
      description:
        "Zero-shot GPT-2 paper tasks, routed to an edge model or GPU inference servers. " +
        "Each task is `POST /v1/tasks/{task}` with the task's JSON input; `GET /v1/tasks` lists them.",
    },
    tags: TAGS,
    // With API_KEYS set, every /v1 route wants `Authorization: Bearer <key>`.
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.get(
    "/docs",
    swaggerUI({
      url: "/openapi.json",
      title: "zeroshot-router API",
      baseUrl: DOCS_ASSETS_BASE,
      // Swagger UI's default validator badge is an image from validator.swagger.io.
      validatorUrl: "none",
    }),
  );
}
