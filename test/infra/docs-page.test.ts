import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Unstable_DevWorker, unstable_dev } from "wrangler";

/** Debian's package (`apt-get install -y chromium`, which .ci/run does); CHROMIUM_PATH overrides it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const RENDER_MS = 30_000;

// GET /docs as a person opens it: the Worker under wrangler dev (static assets and all, which
// the workers pool's SELF.fetch skips), the page in a real headless Chromium, nothing off this machine.
describe("GET /docs in headless Chromium", () => {
  let worker: Unstable_DevWorker | undefined;
  let browser: Browser | undefined;
  const persistTo = mkdtempSync(join(tmpdir(), "docs-page-"));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) return; // the test fails, saying so
    process.env.WRANGLER_SEND_METRICS = "false";
    process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
    [worker, browser] = await Promise.all([
      unstable_dev("src/index.ts", { experimental: { disableExperimentalWarning: true }, ip: "127.0.0.1", persistTo, logLevel: "error" }),
      chromium.launch({ executablePath: CHROMIUM }),
    ]);
  }, 45_000);

  afterAll(async () => {
    await Promise.all([browser?.close(), worker?.stop()]);
    rmSync(persistTo, { recursive: true, force: true });
  });

  it("renders the reference of /openapi.json, every task endpoint listed, loading nothing but 127.0.0.1", async () => {
    if (!browser) {
      throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH`);
    }
    const base = `http://${worker!.address}:${worker!.port}`;
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    const taskPaths = Object.keys(document.paths).filter((path) => path.startsWith("/v1/tasks/"));
    expect(taskPaths).toContain("/v1/tasks/summarize");

    const page = await browser.newPage();
    const requested: string[] = [];
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // Anything bound elsewhere is recorded, then refused, so the test never waits on the network.
    await page.route("**/*", (route) => {
      requested.push(route.request().url());
      return new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort();
    });
    const response = await page.goto(`${base}/docs`);
    expect(response?.status()).toBe(200);
    await page.locator('.opblock-summary-path[data-path="/v1/tasks/summarize"]').waitFor({ timeout: RENDER_MS });

    const listed = await page.locator(".opblock-summary-path").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-path")));
    expect(listed).toEqual(expect.arrayContaining(taskPaths));
    await expect(page.locator(".info .title").textContent()).resolves.toContain("zeroshot-router");
    expect(pageErrors).toEqual([]);
    expect(requested).toEqual(expect.arrayContaining([`${base}/docs/swagger-ui-dist/swagger-ui-bundle.js`, `${base}/openapi.json`]));
    expect(requested.filter((url) => new URL(url).hostname !== "127.0.0.1")).toEqual([]);
  }, 45_000);
});
