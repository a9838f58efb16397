import { describe, expect, it } from "vitest";
import { parseGpuBackends } from "../../../src/config/parse-gpu-backends";
import { flagValue, readRepoFile, readYaml, readYamlDocuments, wranglerVar } from "./gpu-tier-files";

/** `GPU_BACKENDS = '...'` as the docs write it (a TOML literal string), in order. */
function gpuBackendsExamples(path: string): string[] {
  return [...readRepoFile(path).matchAll(/GPU_BACKENDS = '([^'\n]*)'/g)].map((match) => match[1]!);
}

/** The router's defaults for fields an entry leaves out, from wrangler.toml. */
const defaults = {
  model: wranglerVar("GPU_MODEL"),
  timeoutMs: Number(wranglerVar("GPU_TIMEOUT_MS")),
  contextTokens: Number(wranglerVar("GPU_CONTEXT_TOKENS")),
};
const readSecret = (name: string) => `value of ${name}`;
const parse = (raw: string) => parseGpuBackends(raw, defaults, readSecret);

/** Every name a server in infra/vllm answers to as `model`. */
const servedNames = new Set([
  ...Object.values((readYaml("infra/vllm/compose.yaml") as { services: Record<string, { command: string[] }> }).services).map((s) =>
    flagValue(s.command, "--served-model-name"),
  ),
  ...readYamlDocuments("infra/vllm/k8s/deployment.yaml").map((d) =>
    flagValue(
      (d as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0]!.args,
      "--served-model-name",
    ),
  ),
]);

const vllm = (name: string, url: string, model: string, weight = 1) => ({
  id: `gpu:${name}`,
  weight,
  baseUrl: url,
  model,
  apiKey: "value of VLLM_KEY",
  timeoutMs: 30000,
  contextTokens: 1024,
});

describe("GPU_BACKENDS examples parse with the router's own parser", () => {
  const examples = gpuBackendsExamples("infra/vllm/README.md");

  it("infra/vllm/README.md: one URL for N replicas, N entries, one entry per size", () => {
    expect(examples).toHaveLength(3);
    expect(parse(examples[0]!)).toEqual([vllm("vllm", "https://vllm.example.com", "gpt2-xl")]);
    expect(parse(examples[1]!)).toEqual([
      vllm("vllm-us", "https://vllm-us.example.com", "gpt2-xl", 2),
      vllm("vllm-eu", "https://vllm-eu.example.com", "gpt2-xl", 1),
    ]);
    expect(parse(examples[2]!)).toEqual([
      vllm("gpt2-xl", "https://gpt2-xl.gpu.example.com", "gpt2-xl", 100),
      vllm("gpt2", "https://gpt2.gpu.example.com", "gpt2", 1),
    ]);
  });

  it("infra/vllm/README.md: every entry names a model some server here serves", () => {
    expect([...servedNames].sort()).toEqual(["gpt2", "gpt2-large", "gpt2-medium", "gpt2-xl"]);
    for (const example of examples) for (const backend of parse(example)) expect(servedNames, backend.id).toContain(backend.model);
  });

  it("wrangler.toml's comment", () => {
    const [example, ...more] = gpuBackendsExamples("wrangler.toml");
    expect(more).toEqual([]);
    expect(parse(example!)).toEqual([
      { id: "gpu:vllm-a", weight: 2, baseUrl: "http://a:8000", model: "gpt2-xl", apiKey: undefined, timeoutMs: 30000, contextTokens: 1024 },
      {
        id: "gpu:tgi",
        weight: 1,
        baseUrl: "http://b:8080",
        model: "gpt2",
        apiKey: "value of TGI_KEY",
        timeoutMs: 30000,
        contextTokens: 1024,
      },
    ]);
  });

  it("README.md's", () => {
    const [example, ...more] = gpuBackendsExamples("README.md");
    expect(more).toEqual([]);
    expect(parse(example!).map(({ id, baseUrl, model, weight, apiKey }) => ({ id, baseUrl, model, weight, apiKey }))).toEqual([
      { id: "gpu:vllm-a", baseUrl: "https://a.internal", model: "gpt2-xl", weight: 2, apiKey: "value of VLLM_KEY" },
      { id: "gpu:vllm-b", baseUrl: "https://b.internal", model: "gpt2-xl", weight: 1, apiKey: "value of VLLM_KEY" },
      { id: "gpu:tgi", baseUrl: "https://tgi.internal", model: "gpt2-xl", weight: 1, apiKey: undefined },
    ]);
  });

  it("a broken example would fail: the parser refuses what the docs must not show", () => {
    expect(() => parse('[{"name":"vllm","url":"vllm.example.com"}]')).toThrow(/GPU_BACKENDS/);
    expect(() => parseGpuBackends('[{"name":"a","url":"https://a","api_key_secret":"VLLM_KEY"}]', defaults, () => undefined)).toThrow(
      /VLLM_KEY is not set/,
    );
  });
});
