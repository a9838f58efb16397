/**
 * A scripted `npx wrangler` over an in-memory Cloudflare account, for the
 * deploy plan's tests. It answers the commands the plan runs in wrangler
 * 4.86's own output shapes (the ones test/infra/scripts/wrangler-output.test.ts
 * captures from the real CLI), including its listing limits, and records
 * every call.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { CommandResult, Run } from "../../../scripts/deploy/run-command";

/** The account the fake wrangler reads and changes. */
export interface FakeAccount {
  buckets: Set<string>;
  queues: Set<string>;
  /** "bucket/key" → the object's text (a model is stored as "sha256:<hex>" of its bytes). */
  objects: Map<string, string>;
  /** Worker name → its secrets' values. */
  secrets: Map<string, Map<string, string>>;
  /** Worker name → how many times it was deployed. */
  deploys: Map<string, number>;
}

/** How the fake behaves beyond the account's state. */
export interface FakeWranglerOptions {
  /** Worker name per --env, as wrangler.toml names them. */
  workers: Record<string, string>;
  /** `r2 bucket list` shows this many (wrangler: 20). */
  bucketListLimit?: number;
  /** `queues list` shows one page of this many. */
  queuePageSize?: number;
  /** Answers a command before the fake does (to script a failure). */
  override?: (args: readonly string[]) => CommandResult | undefined;
}

const BANNER = "\n ⛅️ wrangler 4.86.0\n──────────────────────────────────────────────\n";
const error = (message: string): CommandResult => ({
  code: 1,
  stdout: "",
  stderr: `\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1m${message}\x1b[0m\n`,
});
const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: "" });

/**
 * An empty account.
 *
 * @example
 * const account = createFakeAccount();
 */
export function createFakeAccount(): FakeAccount {
  return { buckets: new Set(), queues: new Set(), objects: new Map(), secrets: new Map(), deploys: new Map() };
}

/**
 * A `Run` that plays wrangler against `account`; `calls` lists every wrangler argument list it got.
 *
 * @example
 * const { run, calls } = createFakeWrangler(account, { workers: { production: "zeroshot-router" } });
 */
export function createFakeWrangler(account: FakeAccount, options: FakeWranglerOptions): { run: Run; calls: string[][] } {
  const calls: string[][] = [];
  const run: Run = async (cmd, argv, runOptions = {}) => {
    if (cmd !== "npx" || argv[0] !== "wrangler") return error(`not wrangler: ${cmd} ${argv.join(" ")}`);
    const args = argv.slice(1);
    calls.push(args);
    return options.override?.(args) ?? answer(account, options, args, runOptions.stdin ?? "");
  };
  return { run, calls };
}

/**
 * The calls that write to the account (everything but listings, reads and the local build).
 *
 * @example
 * listWrites(calls); // [["r2", "bucket", "create", "zeroshot-models"], ...]
 */
export function listWrites(calls: readonly string[][]): string[][] {
  return calls.filter((args) => {
    const verb = args[0] === "r2" ? args[2] : args[1];
    return verb === "create" || verb === "put" || (args[0] === "deploy" && !args.includes("--dry-run"));
  });
}

function answer(account: FakeAccount, options: FakeWranglerOptions, args: string[], stdin: string): CommandResult {
  const [group, verb, target = ""] = args;
  const worker = options.workers[flag(args, "--env") ?? ""] ?? "unknown-worker";
  switch (`${group} ${verb}`) {
    case "r2 bucket":
      return answerBucket(account, options, args);
    case "queues list":
      return ok(`${BANNER}${renderQueueTable([...account.queues].slice(0, options.queuePageSize ?? 100))}\n`);
    case "queues info":
      return account.queues.has(target)
        ? ok(`${BANNER}Queue Name: ${target}\nQueue ID: q-${target}\n`)
        : error(`Queue "${target}" does not exist. To create it, run: wrangler queues create ${target}`);
    case "queues create":
      if (account.queues.has(target)) return error("A request to the Cloudflare API (/accounts/acc/queues) failed.");
      account.queues.add(target);
      return ok(`${BANNER}🌀 Creating queue '${target}'\n✅ Created queue '${target}'\n`);
    case "r2 object":
      return answerObject(account, args, stdin);
    case "secret list": {
      const secrets = account.secrets.get(worker);
      if (!secrets)
        return error(
          `Worker "${worker}" (env: ${flag(args, "--env")}) not found.\n\n  If this is a new Worker, run \`wrangler deploy\` first to create it.`,
        );
      return ok(
        `${JSON.stringify(
          [...secrets.keys()].map((name) => ({ name, type: "secret_text" })),
          null,
          "  ",
        )}\n`,
      );
    }
    case "secret put": {
      const secrets = account.secrets.get(worker) ?? new Map<string, string>();
      account.secrets.set(worker, secrets.set(target, stdin.trimEnd()));
      return ok(`${BANNER}🌀 Creating the secret for the Worker "${worker}"\n✨ Success! Uploaded secret ${target}\n`);
    }
  }
  if (group === "deploy") {
    if (args.includes("--dry-run")) return ok(`${BANNER}Total Upload: 15824.57 KiB / gzip: 4069.54 KiB\n--dry-run: exiting now.\n`);
    account.deploys.set(worker, (account.deploys.get(worker) ?? 0) + 1);
    if (!account.secrets.has(worker)) account.secrets.set(worker, new Map());
    return ok(`${BANNER}Uploaded ${worker}\nDeployed ${worker} triggers\n  https://${worker}.example.workers.dev\n`);
  }
  return error(`fake wrangler does not know: wrangler ${args.join(" ")}`);
}

function answerBucket(account: FakeAccount, options: FakeWranglerOptions, args: string[]): CommandResult {
  const [, , verb, name = ""] = args;
  if (verb === "list") {
    const shown = [...account.buckets].slice(0, options.bucketListLimit ?? 20);
    return ok(
      `${BANNER}Listing buckets...\n${shown.map((bucket) => `name:           ${bucket}\ncreation_date:  2026-05-01T10:00:00.000Z`).join("\n\n")}\n`,
    );
  }
  if (verb === "create") {
    if (account.buckets.has(name)) {
      return error(
        "A request to the Cloudflare API (/accounts/acc/r2/buckets) failed.\n\n  The bucket you tried to create already exists, and you own it. [code: 10004]",
      );
    }
    account.buckets.add(name);
    return ok(`${BANNER}Creating bucket '${name}'...\n✅ Created bucket '${name}' with default storage class of Standard.\n`);
  }
  return error(`fake wrangler does not know: r2 bucket ${verb}`);
}

function answerObject(account: FakeAccount, args: string[], stdin: string): CommandResult {
  const [, , verb, path = ""] = args;
  if (!args.includes("--remote")) return error("the fake account is remote only: pass --remote");
  const bucket = path.split("/")[0] ?? "";
  if (!account.buckets.has(bucket)) return error("The specified bucket does not exist.");
  if (verb === "get") {
    const object = account.objects.get(path);
    return object === undefined ? error("The specified key does not exist.") : ok(object);
  }
  if (verb === "put") {
    const file = flag(args, "--file");
    const body = file ? `sha256:${createHash("sha256").update(readFileSync(file)).digest("hex")}` : stdin;
    account.objects.set(path, body);
    return ok(`${BANNER}Creating object "${path.slice(bucket.length + 1)}" in bucket "${bucket}".\nUpload complete.\n`);
  }
  return error(`fake wrangler does not know: r2 object ${verb}`);
}

/** The box table `wrangler queues list` prints (cli-table3, no colours). */
function renderQueueTable(names: readonly string[]): string {
  if (names.length === 0) return "";
  const rows = [["id", "name", "created_on"], ...names.map((name) => [`q-${name}`, name, "2026-05-01T10:00:00Z"])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const line = (left: string, middle: string, right: string) => left + widths.map((width) => "─".repeat(width + 2)).join(middle) + right;
  const render = (row: readonly string[]) => `│${row.map((cell, column) => ` ${cell.padEnd(widths[column] ?? 0)} `).join("│")}│`;
  const [head, ...body] = rows;
  return [line("┌", "┬", "┐"), render(head ?? []), line("├", "┼", "┤"), ...body.map(render), line("└", "┴", "┘")].join("\n");
}

function flag(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}
