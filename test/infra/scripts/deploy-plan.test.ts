import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeployError } from "../../../scripts/deploy/deploy-context";
import { isOrtFormat } from "../../../src/model/edge/model-format";
import { runDeploy } from "../../../scripts/deploy/deploy-plan";
import { type DeployTarget, listSecretRules } from "../../../scripts/deploy/deploy-target";
import { parseDeployArgs } from "../../../scripts/deploy/deploy";
import {
  createFakeAccount,
  createFakeWrangler,
  type FakeAccount,
  type FakeWranglerOptions,
  listWrites,
} from "../../support/node/fake-wrangler";

// The real plan (scripts/deploy/deploy-plan.ts) against a scripted wrangler over an in-memory
// account: what it creates, uploads and sets, that a second run writes nothing but the deploy,
// that it stops with a clear message, and what a dry run prints.

const WORKERS = { production: "zeroshot-router", staging: "zeroshot-router-staging" };
const DIGEST = createHash("sha256").update("zsr_test-key").digest("hex");

const production: DeployTarget = {
  env: "production",
  workerName: "zeroshot-router",
  buckets: ["zeroshot-models", "zeroshot-batches"],
  queues: ["zeroshot-batches", "zeroshot-batches-dlq"],
  model: { bucket: "zeroshot-models", key: "edge/decoder_model_merged.ort" },
  secrets: listSecretRules("production", { GPU_BACKENDS: '[{"name":"tgi","url":"https://tgi.acme.test","api_key_secret":"TGI_KEY"}]' }),
  gpuUrls: ["https://tgi.acme.test"],
};
const staging: DeployTarget = {
  ...production,
  env: "staging",
  workerName: "zeroshot-router-staging",
  buckets: ["zeroshot-models-staging", "zeroshot-batches-staging"],
  queues: ["zeroshot-batches-staging", "zeroshot-batches-dlq-staging"],
  model: { bucket: "zeroshot-models-staging", key: "edge/decoder_model_merged.ort" },
  secrets: listSecretRules("staging", {}),
  gpuUrls: ["https://vllm-staging.acme.test"],
};

let dir: string;
let modelPath: string;
let otherModelPath: string;

/** A file isOrtFormat accepts: the flatbuffer identifier ORTM at bytes 4..8. */
async function writeOrtFile(path: string, payload: string): Promise<string> {
  const bytes = Buffer.concat([Buffer.from([0x10, 0, 0, 0]), Buffer.from("ORTM"), Buffer.from(payload)]);
  await writeFile(path, bytes);
  return createHash("sha256").update(bytes).digest("hex");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "deploy-plan-"));
  modelPath = join(dir, "decoder_model_merged.ort");
  otherModelPath = join(dir, "other.ort");
  await writeOrtFile(modelPath, "weights v1");
  await writeOrtFile(otherModelPath, "weights v2");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Deploy {
  target?: DeployTarget;
  environment?: Record<string, string>;
  dryRun?: boolean;
  model?: string;
  updateSecrets?: boolean;
  fake?: Partial<FakeWranglerOptions>;
}

/** One `npm run deploy` against `account`: what changed or why it stopped, its log and wrangler calls. */
async function deploy(account: FakeAccount, options: Deploy = {}) {
  const { run, calls } = createFakeWrangler(account, { workers: WORKERS, ...options.fake });
  const log: string[] = [];
  const ctx = { run, log: (line: string) => log.push(line), dryRun: options.dryRun ?? false, environment: options.environment ?? {} };
  const target = options.target ?? production;
  try {
    const changes = await runDeploy(ctx, target, { modelPath: options.model ?? modelPath, updateSecrets: options.updateSecrets ?? false });
    return { changes, error: undefined, log: log.join("\n"), calls };
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    return { changes: undefined, error, log: log.join("\n"), calls };
  }
}

const secrets = { API_KEYS: DIGEST, TGI_KEY: "tgi-secret" };

describe("npm run deploy: the plan against a scripted wrangler", () => {
  it("creates the buckets and queues, uploads the model and its checksum, sets the given secrets, deploys", async () => {
    const account = createFakeAccount();
    const { changes, log } = await deploy(account, { environment: secrets });
    expect(changes).toEqual([
      "bucket zeroshot-models",
      "bucket zeroshot-batches",
      "queue zeroshot-batches",
      "queue zeroshot-batches-dlq",
      "model zeroshot-models/edge/decoder_model_merged.ort",
      "secret API_KEYS",
      "secret TGI_KEY",
      "deployed zeroshot-router",
    ]);
    const sha = await writeOrtFile(join(dir, "again.ort"), "weights v1");
    expect(account.objects.get("zeroshot-models/edge/decoder_model_merged.ort")).toBe(`sha256:${sha}`);
    expect(account.objects.get("zeroshot-models/edge/decoder_model_merged.ort.sha256")).toBe(`${sha}  decoder_model_merged.ort\n`);
    expect(account.secrets.get("zeroshot-router")).toEqual(
      new Map([
        ["API_KEYS", DIGEST],
        ["TGI_KEY", "tgi-secret"],
      ]),
    );
    expect(log).toContain(`$ npx wrangler secret put API_KEYS --env production <<< "$API_KEYS"`);
    expect(log).not.toContain(DIGEST);
    expect(log).not.toContain("tgi-secret");
  });

  it("is idempotent: a second run writes nothing but the deploy of the same Worker", async () => {
    const account = createFakeAccount();
    await deploy(account, { environment: secrets });
    const before = structuredClone({ ...account, deploys: undefined });
    const second = await deploy(account, { environment: secrets });
    expect(second.changes).toEqual(["deployed zeroshot-router"]);
    expect(listWrites(second.calls)).toEqual([["deploy", "--env", "production"]]);
    expect({ ...account, deploys: undefined }).toEqual(before);
    expect(second.log).toContain("zeroshot-models/edge/decoder_model_merged.ort: unchanged (sha256 ");
    expect(second.log).toContain("API_KEYS: set ($API_KEYS is given but replaces it only with --update-secrets)");
  });

  it("uploads the model again when its checksum differs, and only the model", async () => {
    const account = createFakeAccount();
    await deploy(account, { environment: secrets });
    const changed = await deploy(account, { environment: secrets, model: otherModelPath });
    expect(changed.changes).toEqual(["model zeroshot-models/edge/decoder_model_merged.ort", "deployed zeroshot-router"]);
    expect(changed.log).toMatch(/stored sha256 [0-9a-f]{64} differs from the local [0-9a-f]{64}/);
  });

  it("converts an ONNX model to ORT once, and takes that .ort on the next run (conversion is not byte-repeatable)", async () => {
    const onnx = join(dir, "tiny.onnx");
    await copyFile("test/fixtures/tiny-random-gpt2-ort/past.onnx", onnx);
    const account = createFakeAccount();
    const first = await deploy(account, { environment: secrets, model: onnx });
    expect(first.changes).toContain("model zeroshot-models/edge/decoder_model_merged.ort");
    const ort = await readFile(join(dir, "tiny.ort"));
    expect(isOrtFormat(ort)).toBe(true);
    const sha = createHash("sha256").update(ort).digest("hex");
    expect(account.objects.get("zeroshot-models/edge/decoder_model_merged.ort")).toBe(`sha256:${sha}`);
    const second = await deploy(account, { environment: secrets, model: onnx });
    expect(second.changes).toEqual(["deployed zeroshot-router"]);
    expect(second.log).toContain(`${onnx} is ONNX: taking ${join(dir, "tiny.ort")}, converted from it earlier`);
  }, 60_000);

  it("finds buckets and queues the listings leave out instead of creating them again", async () => {
    const account = createFakeAccount();
    await deploy(account, { environment: secrets });
    const blind = await deploy(account, { environment: secrets, fake: { bucketListLimit: 0, queuePageSize: 0 } });
    expect(blind.changes).toEqual(["deployed zeroshot-router"]);
    expect(blind.log).toContain("bucket zeroshot-models: exists (past the listing's first 20)");
    expect(blind.log).toContain("queue zeroshot-batches-dlq: exists (past the listing's first page)");
    expect(listWrites(blind.calls).filter((args) => args.includes("queues"))).toEqual([]);
  });

  it("stops before writing a secret or deploying when production's API_KEYS is neither set nor given", async () => {
    const account = createFakeAccount();
    const { error, calls } = await deploy(account, { environment: { TGI_KEY: "tgi-secret" } });
    expect(error?.message).toBe(
      "production needs secrets the Worker zeroshot-router does not have and the environment does not give: " +
        "API_KEYS (production answers /v1 only with a key). Give each as an environment variable of the same name and run again: " +
        "API_KEYS=<digest>[,<digest>...] npm run deploy (`npm run key:new` prints a key and its digest).",
    );
    expect(listWrites(calls).filter((args) => args[0] === "secret" || args[0] === "deploy")).toEqual([]);
    expect(account.deploys.size).toBe(0);
  });

  it("lists every missing secret at once, and goes on when the Worker already has them", async () => {
    const none = await deploy(createFakeAccount());
    expect(none.error?.message).toContain("API_KEYS (production answers /v1 only with a key), TGI_KEY (GPU_BACKENDS entry tgi names it)");
    const account = createFakeAccount();
    account.secrets.set(
      "zeroshot-router",
      new Map([
        ["API_KEYS", DIGEST],
        ["TGI_KEY", "x"],
      ]),
    );
    expect((await deploy(account)).changes).toContain("deployed zeroshot-router");
  });

  it("leaves staging's API_KEYS optional, and sets a present secret again only with --update-secrets", async () => {
    const account = createFakeAccount();
    expect((await deploy(account, { target: staging })).log).toContain(
      "API_KEYS: not set, optional (without it staging's /v1 routes are open)",
    );
    await deploy(account, { target: staging, environment: { API_KEYS: DIGEST } });
    const rotated = createHash("sha256").update("zsr_rotated").digest("hex");
    const update = await deploy(account, { target: staging, environment: { API_KEYS: rotated }, updateSecrets: true });
    expect(update.changes).toEqual(["secret API_KEYS", "deployed zeroshot-router-staging"]);
    expect(account.secrets.get("zeroshot-router-staging")?.get("API_KEYS")).toBe(rotated);
  });

  it("judges API_KEYS and GPU_BACKENDS with the Worker's own parsers", async () => {
    // The Worker skips blank entries, so a trailing comma deploys; a list of nothing does not.
    const trailing = await deploy(createFakeAccount(), { target: staging, environment: { API_KEYS: `${DIGEST},` } });
    expect(trailing.error).toBeUndefined();
    expect(trailing.changes).toContain("secret API_KEYS");
    const empty = await deploy(createFakeAccount(), { target: staging, environment: { API_KEYS: " , " } });
    expect(empty.error?.message).toContain("invalid configuration API_KEYS: no digests listed");
    expect(empty.calls).toEqual([]);
    const refused = (raw: string) => () => listSecretRules("production", { GPU_BACKENDS: raw });
    expect(refused('{"name":"a","url":"https://a.acme.test"}')).toThrow(DeployError);
    expect(refused('[{"name":"a","url":"https://a.acme.test"},{"name":"a","url":"https://b.acme.test"}]')).toThrow(
      "the Worker would refuse its vars: invalid configuration GPU_BACKENDS: 'a' appears twice",
    );
    expect(refused('[{"name":"a","url":"a.acme.test"}]')).toThrow(/GPU_BACKENDS\.0\.url/);
  });

  it("refuses, before any wrangler call, a raw key as API_KEYS, a placeholder GPU URL, a missing model", async () => {
    const rawKey = await deploy(createFakeAccount(), { environment: { ...secrets, API_KEYS: "zsr_test-key" } });
    expect(rawKey.error?.message).toMatch(
      /^the Worker would refuse this API_KEYS \(invalid configuration API_KEYS: entry 1 is not a SHA-256 hex digest .*\): .* never the keys themselves/,
    );
    expect(rawKey.error?.message).not.toContain("zsr_test-key");
    const placeholder = await deploy(createFakeAccount(), {
      environment: secrets,
      target: { ...production, gpuUrls: ["https://vllm.example.com"] },
    });
    expect(placeholder.error?.message).toBe(
      "GPU: https://vllm.example.com is a placeholder: set GPU_BASE_URL (or GPU_BACKENDS) in [env.production.vars] of wrangler.toml to your GPU tier",
    );
    const noModel = await deploy(createFakeAccount(), { environment: secrets, model: join(dir, "absent.ort") });
    expect(noModel.error?.message).toContain("no edge model at");
    for (const stopped of [rawKey, placeholder, noModel]) expect(stopped.calls).toEqual([]);
  });

  it("stops on a wrangler failure it does not expect, naming the command and what wrangler said", async () => {
    const fail = (args: readonly string[]) =>
      args.join(" ") === "r2 bucket list" ? { code: 1, stdout: "", stderr: "✘ [ERROR] Authentication error [code: 10000]\n" } : undefined;
    const { error } = await deploy(createFakeAccount(), { environment: secrets, fake: { override: fail } });
    expect(error?.message).toBe("npx wrangler r2 bucket list failed, exit 1: ✘ [ERROR] Authentication error [code: 10000]");
  });

  it("dry run: prints the full plan, reads nothing remote, runs only the local build, exits without error", async () => {
    const { changes, log, calls } = await deploy(createFakeAccount(), { target: staging, dryRun: true });
    expect(changes).toEqual([]);
    expect(calls).toEqual([["deploy", "--env", "staging", "--dry-run", "--outdir", "dist/staging"]]);
    const commands = log
      .split("\n")
      .filter((line) => line.startsWith("  would run: ") || line.startsWith("  $ "))
      .map((line) => line.replace(/ {3}# .*$/, ""));
    expect(commands).toEqual([
      "  would run: npx wrangler r2 bucket list",
      "  would run: npx wrangler r2 bucket create zeroshot-models-staging",
      "  would run: npx wrangler r2 bucket create zeroshot-batches-staging",
      "  would run: npx wrangler queues list",
      "  would run: npx wrangler queues info zeroshot-batches-staging",
      "  would run: npx wrangler queues create zeroshot-batches-staging",
      "  would run: npx wrangler queues info zeroshot-batches-dlq-staging",
      "  would run: npx wrangler queues create zeroshot-batches-dlq-staging",
      "  would run: npx wrangler r2 object get zeroshot-models-staging/edge/decoder_model_merged.ort.sha256 --remote --pipe",
      `  would run: npx wrangler r2 object put zeroshot-models-staging/edge/decoder_model_merged.ort --remote --file ${modelPath} --content-type application/octet-stream`,
      expect.stringMatching(
        /^ {2}would run: npx wrangler r2 object put zeroshot-models-staging\/edge\/decoder_model_merged\.ort\.sha256 --remote --pipe --content-type text\/plain <<< '[0-9a-f]{64} {2}decoder_model_merged\.ort'$/,
      ),
      "  would run: npx wrangler secret list --env staging --format json",
      "  $ npx wrangler deploy --env staging --dry-run --outdir dist/staging",
      "  would run: npx wrangler deploy --env staging",
    ]);
    expect(log).toContain("API_KEYS: optional, left as it is (without it staging's /v1 routes are open); give $API_KEYS to set it");
    expect(log).toContain("dry run done: nothing remote was read or changed (a real run: npm run deploy:staging)");
  });

  it("dry run: notes what a real run would stop on, and still finishes", async () => {
    const target = { ...production, gpuUrls: ["http://127.0.0.1:8000"] };
    const given = { TGI_KEY: "tgi-secret" };
    const { changes, log } = await deploy(createFakeAccount(), {
      target,
      dryRun: true,
      model: join(dir, "absent.ort"),
      environment: given,
    });
    expect(changes).toEqual([]);
    expect(log).toContain("http://127.0.0.1:8000 is this machine, not reachable from Cloudflare");
    expect(log).toContain("(a real run stops here)");
    expect(log).toContain("API_KEYS: required (production answers /v1 only with a key): a real run stops unless the Worker has it");
    expect(log).toContain(`  would run: npx wrangler secret put TGI_KEY --env production <<< "$TGI_KEY"   # when the Worker lacks it`);
    expect(log).not.toContain("tgi-secret");
  });
});

describe("npm run deploy: the command line", () => {
  it("takes --env, --dry-run, --model and --update-secrets, and refuses anything else", () => {
    expect(parseDeployArgs(["--env", "production", "--dry-run"])).toEqual({
      env: "production",
      dryRun: true,
      modelPath: "models/Xenova/distilgpt2/decoder_model_merged.ort",
      updateSecrets: false,
    });
    expect(parseDeployArgs(["--env", "production", "--env", "staging", "--model", "m.onnx", "--update-secrets"])).toMatchObject({
      env: "staging",
      modelPath: "m.onnx",
      updateSecrets: true,
    });
    expect(parseDeployArgs(["--env", "prod"])).toBe("--env must be one of staging, production, not prod");
    expect(parseDeployArgs([])).toBe("--env must be one of staging, production");
    expect(parseDeployArgs(["--env", "staging", "--force"])).toMatch(/Unknown option '--force'/);
  });
});
