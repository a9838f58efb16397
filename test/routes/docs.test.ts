import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TASK_NAMES } from "../../src/prompts/registry";

const ORIGIN = "http://router.test";

/** Every src/href in the page: the URLs a browser loads from it. */
function findAssetUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
}

describe("GET /docs", () => {
  it("answers an HTML page that loads Swagger UI from the Worker itself and reads /openapi.json", async () => {
    const response = await SELF.fetch(`${ORIGIN}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("url: '/openapi.json'");
    expect(html).toContain("validatorUrl: 'none'");
    expect(html).not.toMatch(/https?:\/\//);
    expect(findAssetUrls(html).sort()).toEqual(["/docs/swagger-ui-dist/swagger-ui-bundle.js", "/docs/swagger-ui-dist/swagger-ui.css"]);
  });

  it("serves those assets as static assets with their content types", async () => {
    // SELF.fetch calls the Worker itself; static assets answer before it (the browser test in
    // test/infra/docs-page.test.ts goes through wrangler dev's full stack), so ask the assets server.
    const assets = Reflect.get(env, "ASSETS") as Fetcher;
    const html = await (await SELF.fetch(`${ORIGIN}/docs`)).text();
    const types = { js: /^(text|application)\/javascript/, css: /^text\/css/ };
    for (const url of findAssetUrls(html)) {
      const response = await assets.fetch(`${ORIGIN}${url}`);
      expect(response.status, url).toBe(200);
      expect(response.headers.get("content-type"), url).toMatch(types[url.endsWith(".css") ? "css" : "js"]);
      const body = await response.text();
      expect(body.length, url).toBeGreaterThan(100_000);
      if (url.endsWith(".js")) expect(body).toContain("SwaggerUIBundle");
    }
  });

  it("has no asset at /docs itself, which stays the Worker's page", async () => {
    const response = await (Reflect.get(env, "ASSETS") as Fetcher).fetch(`${ORIGIN}/docs`);
    expect(response.status).toBe(404);
  });
});

describe("GET /openapi.json for the reference", () => {
  it("describes the task endpoints under tags the page groups them by", async () => {
    const body = (await (await SELF.fetch(`${ORIGIN}/openapi.json`)).json()) as any;
    expect(body.info.title).toBe("zeroshot-router");
    expect(body.tags.map((tag: { name: string }) => tag.name)).toEqual(["tasks", "batch", "batches", "openai", "service"]);
    expect(body.components.securitySchemes.bearer).toEqual({ type: "http", scheme: "bearer" });
    expect(body.paths["/v1/completions"].post.tags).toEqual(["openai"]);
    for (const task of TASK_NAMES) {
      const post = body.paths[`/v1/tasks/${task}`].post;
      expect(post.tags, task).toEqual(["tasks"]);
      expect(post.summary, task).toEqual(expect.any(String));
    }
    expect(body.paths["/docs"]).toBeUndefined();
  });
});
