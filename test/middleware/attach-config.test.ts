import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv, Config, Env } from "../../src/config/env";
import { attachConfig } from "../../src/middleware/attach-config";

describe("attachConfig", () => {
  const seen: Config[] = [];
  const app = new Hono<AppEnv>().use("*", attachConfig()).get("/", (c) => {
    seen.push(c.var.config);
    return c.text(c.var.config.gpu[0]?.model ?? "none");
  });

  it("parses an env object once and reuses the result for its later requests", async () => {
    const env: Env = { GPU_BASE_URL: "http://127.0.0.1:8000", GPU_MODEL: "gpt2-xl" };
    expect(await (await app.request("/", {}, env)).text()).toBe("gpt2-xl");
    await app.request("/", {}, env);
    expect(seen[1]).toBe(seen[0]);
  });

  it("parses another env object on its own", async () => {
    const response = await app.request("/", {}, { GPU_BASE_URL: "http://127.0.0.1:8000", GPU_MODEL: "gpt2-medium" } satisfies Env);
    expect(await response.text()).toBe("gpt2-medium");
  });
});
