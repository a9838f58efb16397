import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CompletionsServer } from "../../../infra/backend/server";
import { postCompletion, postStream, startStub } from "./completions-client";

let server: CompletionsServer;
beforeAll(async () => {
  server = await startStub();
});
afterAll(() => server.close());
afterEach(() => fetch(`${server.url}/__stub/faults`, { method: "DELETE" }));

async function setFaults(config: unknown): Promise<number> {
  const response = await fetch(`${server.url}/__stub/faults`, { method: "POST", body: JSON.stringify(config) });
  await response.text();
  return response.status;
}

// Tests read arbitrary fields of the stats.
async function readStats(): Promise<any> {
  return (await fetch(`${server.url}/__stub/stats`)).json();
}

async function healthStatus(): Promise<number> {
  const response = await fetch(`${server.url}/health`);
  await response.text();
  return response.status;
}

const ask = (prompt = "Hi") => postCompletion(server.url, { model: "gpt2", prompt, max_tokens: 4 });

describe("POST /__stub/faults", () => {
  it("fails every request with mode 500, counts it, and fails /health until cleared", async () => {
    expect(await setFaults({ mode: "500" })).toBe(200);
    expect((await ask()).status).toBe(500);
    expect((await ask()).body.error.type).toBe("InternalServerError");
    expect(await healthStatus()).toBe(503);
    expect(await readStats()).toEqual({ requests: 2, faulted: 2, by_mode: { "500": 2 } });
    await fetch(`${server.url}/__stub/faults`, { method: "DELETE" });
    expect(await healthStatus()).toBe(200);
    expect((await ask()).status).toBe(200);
    expect(await readStats()).toEqual({ requests: 3, faulted: 2, by_mode: { "500": 2 } });
  });

  it("applies to the next count requests only", async () => {
    await setFaults({ mode: "429", count: 2 });
    expect(await healthStatus()).toBe(200);
    const statuses = [(await ask()).status, (await ask()).status, (await ask()).status];
    expect(statuses).toEqual([429, 429, 200]);
  });

  it("fails a repeatable share of requests with a seed", async () => {
    const run = async (): Promise<number[]> => {
      await setFaults({ mode: "500", rate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await ask()).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect((await readStats()).faulted).toBe(first.filter((status) => status === 500).length);
    expect(await healthStatus()).toBe(200);
  });

  it("hangs, resets and sends malformed JSON as the markers do", async () => {
    await setFaults({ mode: "hang" });
    expect(await healthStatus()).toBe(503);
    const hung = fetch(`${server.url}/v1/completions`, { method: "POST", body: '{"prompt":"x"}', signal: AbortSignal.timeout(200) });
    await expect(hung).rejects.toThrow(/aborted|timeout/i);
    await setFaults({ mode: "reset" });
    await expect(ask()).rejects.toThrow(/fetch failed/);
    await setFaults({ mode: "malformed" });
    await expect(ask()).rejects.toThrow(/JSON/);
  });

  it("cut-stream cuts streamed and whole answers alike", async () => {
    await setFaults({ mode: "cut-stream" });
    const reply = await postStream(server.url, { prompt: "Once", max_tokens: 6, stream: true });
    expect(reply.error).toBeDefined();
    expect(reply.events).not.toContain("[DONE]");
    await expect(ask()).rejects.toThrow(/terminated/);
    expect((await readStats()).by_mode).toEqual({ "cut-stream": 2 });
  });

  it("lets a prompt's marker win over the mode, and counts both", async () => {
    await setFaults({ mode: "500" });
    expect((await ask("x [[fault:429]]")).status).toBe(429);
    expect((await readStats()).by_mode).toEqual({ "429": 1 });
  });

  it.each([{ mode: "explode" }, { mode: "500", rate: 2 }, { mode: "500", count: -1 }, { mode: "500", seed: 1.5 }, []])(
    "rejects %j with 400",
    async (config) => {
      expect(await setFaults(config)).toBe(400);
    },
  );
});
