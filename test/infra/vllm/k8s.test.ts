import { readdirSync } from "node:fs";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PersistentVolumeClaim, Secret, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { flagValue, PINNED_VLLM_IMAGE, readYaml, readYamlDocuments, ROOT, wranglerVar } from "./gpu-tier-files";

const DIR = "infra/vllm/k8s/";
/** Files beside the manifests that are not Kubernetes objects. */
const NOT_OBJECTS = ["kustomization.yaml", "prometheus-adapter-values.yaml"];
/** Objects that must never be applied as they stand. */
const TEMPLATES = ["secret.template.yaml"];

/** The classes of kubernetes-models whose validate() checks against Kubernetes' OpenAPI schemas. */
const MODELS = {
  "apps/v1 Deployment": Deployment,
  "v1 Service": Service,
  "v1 Secret": Secret,
  "v1 PersistentVolumeClaim": PersistentVolumeClaim,
  "autoscaling/v2 HorizontalPodAutoscaler": HorizontalPodAutoscaler,
} as const;

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; file: string };

const manifestFiles = readdirSync(new URL(DIR, ROOT))
  .filter((file) => file.endsWith(".yaml") && !NOT_OBJECTS.includes(file))
  .sort();
const manifests: Manifest[] = manifestFiles.flatMap((file) =>
  readYamlDocuments(DIR + file).map((doc) => ({ ...(doc as Omit<Manifest, "file">), file })),
);

function only<T>(kind: string): T {
  const found = manifests.filter((manifest) => manifest.kind === kind && !TEMPLATES.includes(manifest.file));
  if (found.length !== 1) throw new Error(`expected one ${kind} in ${DIR}, found ${found.length}`);
  return found[0] as T;
}

const deployment = only<Deployment>("Deployment");
const service = only<Service>("Service");
const hpa = only<HorizontalPodAutoscaler>("HorizontalPodAutoscaler");
const secretTemplate = manifests.find((manifest) => manifest.file === "secret.template.yaml") as unknown as Secret;
const podSpec = deployment.spec!.template.spec!;
const container = podSpec.containers[0]!;
const args = container.args ?? [];
const servingPort = Number(flagValue(args, "--port"));

/** A probe's or Service's port, by number or by the container port's name. */
function containerPort(port: number | string): number | undefined {
  return typeof port === "number" ? port : container.ports?.find((p) => p.name === port)?.containerPort;
}

describe("infra/vllm/k8s manifests", () => {
  it("are all Kubernetes objects valid against the official schemas", () => {
    expect(manifestFiles.length).toBeGreaterThanOrEqual(4);
    for (const { file, ...object } of manifests) {
      const Model = MODELS[`${object.apiVersion} ${object.kind}` as keyof typeof MODELS];
      expect(Model, `${file}: ${object.apiVersion} ${object.kind} has no model here`).toBeDefined();
      expect(() => new Model(object as never).validate(), file).not.toThrow();
      expect(object.metadata.name, file).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it("are checked for real: a wrong type is refused", () => {
    const broken = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: { ports: unknown[] }[] } } } };
    broken.spec.template.spec.containers[0]!.ports = [{ name: "http", containerPort: "8000" }];
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
    expect(() => new HorizontalPodAutoscaler({ ...hpa, spec: { ...hpa.spec!, maxReplicas: undefined as never } }).validate()).toThrow(
      /maxReplicas/,
    );
  });

  it("are tied together by kustomization.yaml, the Secret template left out", () => {
    const kustomization = z
      .strictObject({
        apiVersion: z.literal("kustomize.config.k8s.io/v1beta1"),
        kind: z.literal("Kustomization"),
        resources: z.array(z.string()).min(1),
      })
      .parse(readYaml(`${DIR}kustomization.yaml`));
    expect([...kustomization.resources].sort()).toEqual(manifestFiles.filter((file) => !TEMPLATES.includes(file)));
    expect(kustomization.resources).not.toContain("secret.template.yaml");
  });

  it("pin the same official image as compose.yaml", () => {
    const compose = readYaml("infra/vllm/compose.yaml") as { "x-vllm": { image: string } };
    expect(container.image).toMatch(PINNED_VLLM_IMAGE);
    expect(container.image).toBe(compose["x-vllm"].image);
  });

  it("serve gpt2-xl under the name the router sends, with GPT-2's context", () => {
    expect(args[0]).toBe("openai-community/gpt2-xl");
    expect(flagValue(args, "--served-model-name")).toBe("gpt2-xl");
    expect(flagValue(args, "--max-model-len")).toBe(wranglerVar("GPU_CONTEXT_TOKENS"));
    expect(container.command).toBeUndefined(); // the image's entrypoint, vllm serve
  });

  it("request one NVIDIA GPU per replica, requests equal to limits", () => {
    expect(container.resources?.limits?.["nvidia.com/gpu"]).toBe("1");
    expect(container.resources?.requests?.["nvidia.com/gpu"]).toBe("1");
  });

  it("probe /health on the serving port, with a startup probe that allows a slow model load", () => {
    expect(container.ports?.map((p) => p.containerPort)).toEqual([servingPort]);
    for (const name of ["startupProbe", "readinessProbe", "livenessProbe"] as const) {
      const probe = container[name];
      expect(probe?.httpGet?.path, name).toBe("/health");
      expect(containerPort(probe!.httpGet!.port), name).toBe(servingPort);
    }
    const startup = container.startupProbe!;
    expect((startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3)).toBeGreaterThanOrEqual(600);
  });

  it("read the API key from a Secret, never a literal", () => {
    const key = container.env?.find((env) => env.name === "VLLM_API_KEY");
    expect(key?.value).toBeUndefined();
    expect(key?.valueFrom?.secretKeyRef).toEqual({ name: "vllm-api-key", key: "api-key" });
    expect(args.join(" ")).not.toMatch(/--api-key/);
    expect(JSON.stringify(container.env)).not.toMatch(/"value":"[^"]*(key|token|secret)/i);
  });

  it("ship the Secret as a template whose key is a placeholder, under the name the pods read", () => {
    expect(secretTemplate.metadata?.name).toBe("vllm-api-key");
    expect(secretTemplate.data).toBeUndefined();
    expect(Object.keys(secretTemplate.stringData ?? {})).toEqual(["api-key"]);
    expect(secretTemplate.stringData?.["api-key"]).toMatch(/^REPLACE_/);
  });

  it("mount the Hugging Face cache and a memory-backed /dev/shm", () => {
    const volumeOf = (path: string) =>
      podSpec.volumes?.find((v) => v.name === container.volumeMounts?.find((m) => m.mountPath === path)?.name);
    expect(volumeOf("/root/.cache/huggingface")).toBeDefined();
    expect(volumeOf("/dev/shm")?.emptyDir?.medium).toBe("Memory");
  });

  it("put the Deployment's pods behind the Service on the serving port", () => {
    const podLabels = deployment.spec!.template.metadata!.labels!;
    expect(deployment.spec!.selector.matchLabels).toEqual(expect.objectContaining(service.spec!.selector));
    for (const [label, value] of Object.entries(service.spec!.selector!)) expect(podLabels[label], label).toBe(value);
    for (const [label, value] of Object.entries(deployment.spec!.selector.matchLabels!)) expect(podLabels[label], label).toBe(value);
    const port = service.spec!.ports![0]!;
    expect(containerPort(port.targetPort as number | string)).toBe(servingPort);
  });

  it("scale the Deployment on the queue-length metric the prometheus-adapter rule serves", () => {
    expect(hpa.spec!.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata!.name });
    expect(hpa.spec!.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpa.spec!.maxReplicas).toBeGreaterThanOrEqual(hpa.spec!.minReplicas!);
    const [metric] = hpa.spec!.metrics!;
    expect(metric?.type).toBe("Pods");
    const rule = z
      .object({
        rules: z.object({
          custom: z.array(
            z.object({
              seriesQuery: z.string(),
              resources: z.object({ overrides: z.record(z.string(), z.object({ resource: z.string() })) }),
              name: z.object({ matches: z.string(), as: z.string() }),
              metricsQuery: z.string(),
            }),
          ),
        }),
      })
      .parse(readYaml(`${DIR}prometheus-adapter-values.yaml`)).rules.custom[0]!;
    expect(rule.seriesQuery).toMatch(/^vllm:num_requests_waiting\{/);
    expect(rule.resources.overrides).toEqual({ namespace: { resource: "namespace" }, pod: { resource: "pod" } });
    expect(new RegExp(rule.name.matches).test("vllm:num_requests_waiting")).toBe(true);
    expect(metric?.pods?.metric.name).toBe(rule.name.as);
    expect(rule.metricsQuery).toContain("<<.GroupBy>>");
  });
});
