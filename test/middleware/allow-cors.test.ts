import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/config/env";
import { loadConfig } from "../../src/config/load-config";
import worker from "../../src/index";

const APP = "https://app.example";

/** A request through the Worker's entry point with CORS_ORIGINS set (or removed, with `undefined`). */
async function callWithOrigins(corsOrigins: string | undefined, path: string, init: RequestInit = {}): Promise<Response> {
  const request = new Request(`http://router.test${path}`, init);
  const bindings: Env = { ...(env as unknown as Env), CORS_ORIGINS: corsOrigins };
  return worker.fetch(request as Parameters<typeof worker.fetch>[0], bindings, createExecutionContext());
}

const preflight = (origin: string): RequestInit => ({
  method: "OPTIONS",
  headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
});

describe("CORS with CORS_ORIGINS set to a list", () => {
  const origins = `${APP}, http://localhost:5173`;

  it("answers a preflight on /v1/* from a listed origin with a 204 allowing POST, Authorization and content-type", async () => {
    const response = await callWithOrigins(origins, "/v1/tasks/summarize", preflight(APP));
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(response.headers.get("access-control-allow-methods")?.split(",")).toContain("POST");
    const allowed = response.headers.get("access-control-allow-headers")?.toLowerCase().split(",");
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type"]));
    expect(response.headers.get("access-control-max-age")).toBe("600");
    expect(response.headers.get("vary")).toContain("Origin");
  });

  it("allows no other origin", async () => {
    const response = await callWithOrigins(origins, "/v1/tasks/summarize", preflight("https://evil.example"));
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("adds the origin and the exposed x-route and server-timing to answers, errors included", async () => {
    const ok = await callWithOrigins(origins, "/v1/tasks", { headers: { origin: "http://localhost:5173" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(ok.headers.get("access-control-expose-headers")?.toLowerCase().split(",")).toEqual(["x-route", "server-timing"]);
    expect(ok.headers.get("vary")).toContain("Origin");
    const missing = await callWithOrigins(origins, "/v1/tasks/nope", {
      method: "POST",
      headers: { origin: APP, "content-type": "application/json" },
      body: "{}",
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("access-control-allow-origin")).toBe(APP);
    // Answered by the not-found handler, outside /v1: CORS still finishes its work (Vary included).
    for (const [path, method, status] of [
      ["/nowhere", "GET", 404],
      ["/health", "POST", 405],
    ] as const) {
      const unrouted = await callWithOrigins(origins, path, { method, headers: { origin: APP } });
      expect(unrouted.status, path).toBe(status);
      expect(unrouted.headers.get("access-control-allow-origin"), path).toBe(APP);
      expect(unrouted.headers.get("vary"), path).toContain("Origin");
    }
  });
});

describe("CORS with CORS_ORIGINS=*", () => {
  it("allows any origin, preflight and answers", async () => {
    const response = await callWithOrigins("*", "/v1/tasks/answer", preflight("https://anywhere.example"));
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const answer = await callWithOrigins("*", "/health", { headers: { origin: "https://anywhere.example" } });
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("CORS without CORS_ORIGINS (the default)", () => {
  it("adds no CORS headers, and a preflight is an ordinary OPTIONS: a 405 listing the path's methods", async () => {
    const answer = await callWithOrigins(undefined, "/v1/tasks", { headers: { origin: APP } });
    expect(answer.status).toBe(200);
    expect([...answer.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    const response = await callWithOrigins(undefined, "/v1/tasks/summarize", preflight(APP));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CORS_ORIGINS parsing", () => {
  it("trims a comma-separated list and drops empty entries", () => {
    expect(loadConfig({ CORS_ORIGINS: ` ${APP} ,, http://127.0.0.1:8787 ` }).corsOrigins).toEqual([APP, "http://127.0.0.1:8787"]);
    expect(loadConfig({ CORS_ORIGINS: " * " }).corsOrigins).toBe("*");
    expect(loadConfig({}).corsOrigins).toEqual([]);
  });

  it("rejects what a browser never sends as an Origin, naming it", () => {
    for (const bad of [`${APP}/`, "app.example", `*,${APP}`]) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS/);
    }
  });
});
