#!/usr/bin/env node
/**
 * Fills public/docs/swagger-ui-dist/ with the Swagger UI files that GET /docs
 * loads (its script, its stylesheet and their licences), copied from the
 * installed swagger-ui-dist. public/ is the Worker's static assets directory
 * (`[assets]` in wrangler.toml), so the page never reaches a CDN.
 *
 * wrangler runs this as its `[build] command` before `wrangler dev`,
 * `wrangler deploy` and `npm run build`; vitest.config.ts runs it before the
 * workers project reads wrangler.toml. Files already up to date are left alone.
 *
 *   node scripts/copy-docs-assets.mjs
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the assets go, relative to the repository root; `[assets] directory` in wrangler.toml names its parent. */
export const ASSETS_DIR = "public/docs/swagger-ui-dist";
/** The files @hono/swagger-ui's page references, and the licence texts that go with them. */
export const FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-bundle.js.LICENSE.txt", "LICENSE", "NOTICE"];

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Copies FILES from node_modules/swagger-ui-dist into ASSETS_DIR; returns the
 * names it had to write (none when every copy already matched).
 *
 * @example
 * copyDocsAssets(); // ["swagger-ui-bundle.js", ...] on a fresh clone, [] after
 */
export function copyDocsAssets() {
  const source = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const target = join(root, ASSETS_DIR);
  mkdirSync(target, { recursive: true });
  return FILES.filter((name) => {
    const from = join(source, name);
    const to = join(target, name);
    if (existsSync(to) && readFileSync(to).equals(readFileSync(from))) return false;
    copyFileSync(from, to);
    return true;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const written = copyDocsAssets();
  if (written.length > 0) console.log(`copy-docs-assets: wrote ${written.join(", ")} to ${ASSETS_DIR}`);
}
