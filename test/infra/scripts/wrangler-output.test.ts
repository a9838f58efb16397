import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommandResult, createProcessRunner } from "../../../scripts/deploy/run-command";
import { classifyFailure, parseBucketList, parseChecksum, parseQueueList, parseSecretList } from "../../../scripts/deploy/wrangler-output";
import { startFakeCloudflareApi } from "../../support/node/fake-cloudflare-api";

// What npm run deploy reads from wrangler 4.86. The fixtures are wrangler 4.86.0's own output,
// captured against a local stand-in for the Cloudflare API; the last block runs the pinned CLI
// against that stand-in again, so a wrangler upgrade that changes a shape fails here.

const BANNER = "\n ⛅️ wrangler 4.86.0 (update available 4.164.0)\n──────────────────────────────────────────────\n";
const ERROR = (message: string) => `\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1m${message}\x1b[0m\n\n`;
const failed = (stderr: string): CommandResult => ({ code: 1, stdout: "", stderr });

describe("wrangler 4.86's output, as npm run deploy reads it", () => {
  it("r2 bucket list: one name: / creation_date: pair per bucket", () => {
    const stdout = `${BANNER}Listing buckets...\nname:           zeroshot-models\ncreation_date:  2026-05-01T10:00:00.000Z\n\nname:           zeroshot-batches\ncreation_date:  2026-05-01T10:00:00.000Z\n`;
    expect(parseBucketList(stdout)).toEqual(new Set(["zeroshot-models", "zeroshot-batches"]));
    expect(parseBucketList(`${BANNER}Listing buckets...\n\n`)).toEqual(new Set());
    expect(parseBucketList(`\x1b[37mname:\x1b[39m           \x1b[90mcoloured\x1b[39m\n`)).toEqual(new Set(["coloured"]));
  });

  it("queues list: a box table whose name column is found by its header", () => {
    const stdout =
      `${BANNER}┌────┬──────────────────┬──────────────────────┬──────────────────────┬───────────┬───────────┐\n` +
      "│ id │ name             │ created_on           │ modified_on          │ producers │ consumers │\n" +
      "├────┼──────────────────┼──────────────────────┼──────────────────────┼───────────┼───────────┤\n" +
      "│ q0 │ zeroshot-batches │ 2026-05-01T10:00:00Z │ 2026-05-01T10:00:00Z │ 1         │ 1         │\n" +
      "└────┴──────────────────┴──────────────────────┴──────────────────────┴───────────┴───────────┘\n";
    expect(parseQueueList(stdout)).toEqual(new Set(["zeroshot-batches"]));
    // A page past the last: wrangler prints the banner and an empty table.
    expect(parseQueueList(`${BANNER}\n`)).toEqual(new Set());
  });

  it("secret list --format json: a JSON list of { name, type }", () => {
    expect(parseSecretList('[\n  {\n    "name": "API_KEYS",\n    "type": "secret_text"\n  }\n]\n')).toEqual(new Set(["API_KEYS"]));
    expect(parseSecretList("[]\n")).toEqual(new Set());
  });

  it("the {key}.sha256 object: its first word, when it is a SHA-256 hex digest", () => {
    const hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    expect(parseChecksum(`${hex}  decoder_model_merged.ort\n`)).toBe(hex);
    expect(parseChecksum(hex.toUpperCase())).toBe(hex);
    expect(parseChecksum("not a digest\n")).toBeUndefined();
  });

  it("tells apart the failures the plan expects from the rest", () => {
    const workerNotFound = `${ERROR('Worker "zeroshot-router-staging" (env: staging) not found.')}  If this is a new Worker, run \`wrangler deploy\` first to create it.\n`;
    expect(classifyFailure(failed(workerNotFound))).toBe("worker-not-found");
    expect(classifyFailure(failed(ERROR('Worker "zeroshot-router" not found.')))).toBe("worker-not-found");
    expect(classifyFailure(failed(ERROR('Queue "q" does not exist. To create it, run: wrangler queues create q')))).toBe("queue-not-found");
    expect(classifyFailure(failed(ERROR("The specified key does not exist.")))).toBe("object-not-found");
    const bucketExists = `${ERROR("A request to the Cloudflare API (/accounts/acc/r2/buckets) failed.")}  The bucket you tried to create already exists, and you own it. [code: 10004]\n`;
    expect(classifyFailure(failed(bucketExists))).toBe("bucket-exists");
    expect(classifyFailure(failed(ERROR("Authentication error [code: 10000]")))).toBeUndefined();
    expect(classifyFailure({ code: 0, stdout: "Worker x not found.", stderr: "" })).toBeUndefined();
  });
});

describe("the pinned wrangler CLI against a stand-in Cloudflare API", () => {
  let api: Awaited<ReturnType<typeof startFakeCloudflareApi>>;
  let logs: string;
  const results = new Map<string, CommandResult>();
  const commands = {
    buckets: ["r2", "bucket", "list"],
    queues: ["queues", "list"],
    queueInfo: ["queues", "info", "zeroshot-batches-dlq"],
    secrets: ["secret", "list", "--env", "production", "--format", "json"],
    newWorker: ["secret", "list", "--env", "staging", "--format", "json"],
    checksum: ["r2", "object", "get", "zeroshot-models/edge/decoder_model_merged.ort.sha256", "--remote", "--pipe"],
    noChecksum: ["r2", "object", "get", "zeroshot-models/edge/absent.sha256", "--remote", "--pipe"],
    bucketExists: ["r2", "bucket", "create", "zeroshot-models"],
  };

  beforeAll(async () => {
    api = await startFakeCloudflareApi({
      buckets: ["zeroshot-models", "zeroshot-batches"],
      queues: ["zeroshot-batches"],
      secrets: { "zeroshot-router": ["API_KEYS", "GPU_API_KEY"] },
      objects: { "zeroshot-models/edge/decoder_model_merged.ort.sha256": `${"ab".repeat(32)}  decoder_model_merged.ort\n` },
    });
    logs = await mkdtemp(join(tmpdir(), "wrangler-logs-"));
    const run = createProcessRunner({
      CLOUDFLARE_API_BASE_URL: api.baseUrl,
      CLOUDFLARE_API_TOKEN: "stand-in-token",
      CLOUDFLARE_ACCOUNT_ID: "stand-in-account",
      WRANGLER_LOG_PATH: logs,
    });
    // The local binary (npx adds nothing here but a second start), all at once: each start takes seconds.
    await Promise.all(
      Object.entries(commands).map(async ([name, args]) => results.set(name, await run("node_modules/.bin/wrangler", args))),
    );
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await rm(logs, { recursive: true, force: true });
  });
  const result = (name: keyof typeof commands) => results.get(name) ?? failed("not run");

  it("parses the listings it prints", () => {
    expect(result("buckets").code).toBe(0);
    expect(parseBucketList(result("buckets").stdout)).toEqual(new Set(["zeroshot-models", "zeroshot-batches"]));
    expect(parseQueueList(result("queues").stdout)).toEqual(new Set(["zeroshot-batches"]));
    expect(parseSecretList(result("secrets").stdout)).toEqual(new Set(["API_KEYS", "GPU_API_KEY"]));
    expect(parseChecksum(result("checksum").stdout)).toBe("ab".repeat(32));
  });

  it("recognizes the failures it prints", () => {
    expect(classifyFailure(result("queueInfo"))).toBe("queue-not-found");
    expect(classifyFailure(result("newWorker"))).toBe("worker-not-found");
    expect(classifyFailure(result("noChecksum"))).toBe("object-not-found");
    expect(classifyFailure(result("bucketExists"))).toBe("bucket-exists");
  });
});
