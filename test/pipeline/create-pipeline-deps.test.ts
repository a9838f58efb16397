import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config";
import { createPipelineDeps } from "../../src/pipeline/create-pipeline-deps";

describe("createPipelineDeps", () => {
  const config = loadConfig({ GPU_BACKENDS: JSON.stringify([{ name: "a", url: "http://127.0.0.1:9" }]) });

  it("hands single requests one shared set per settings object", () => {
    expect(createPipelineDeps(config)).toBe(createPipelineDeps(config));
    expect(createPipelineDeps(loadConfig({}))).not.toBe(createPipelineDeps(config));
  });

  it("builds a fresh set for every batch, whose wrappers hold that batch's own state", async () => {
    const first = createPipelineDeps(config, { subrequestLimit: 1 });
    const second = createPipelineDeps(config, { subrequestLimit: 1 });
    expect(first).not.toBe(second);
    const [gpu] = first.backends;
    await expect(gpu?.generate("x", { strategy: "greedy", maxTokens: 1 })).rejects.toMatchObject({ failure: "network" });
    await expect(gpu?.generate("x", { strategy: "greedy", maxTokens: 1 })).rejects.toMatchObject({ failure: "unavailable" });
    await expect(second.backends[0]?.generate("x", { strategy: "greedy", maxTokens: 1 })).rejects.toMatchObject({ failure: "network" });
  });

  it("shares circuit state between requests with the same breaker settings", () => {
    expect(createPipelineDeps(config).breakers).toBe(createPipelineDeps(config, { coalesce: 8 }).breakers);
  });
});
