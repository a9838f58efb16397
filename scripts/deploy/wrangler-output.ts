/**
 * Reads what wrangler 4.86 prints. The shapes were taken from wrangler 4.86.0
 * itself, run against a local stand-in for the Cloudflare API (the captured
 * outputs are the fixtures of test/infra/scripts/wrangler-output.test.ts);
 * colours are stripped first, since wrangler colours its output on a TTY.
 */
import { stripVTControlCharacters } from "node:util";
import type { CommandResult } from "./run-command";

/**
 * Bucket names from `wrangler r2 bucket list`, which prints one `name:` and
 * `creation_date:` pair per bucket. It lists the first 20 only (wrangler does
 * not page: workers-sdk#15103), so an absent name is not proof of absence.
 *
 * @example
 * parseBucketList("Listing buckets...\nname:           zeroshot-models\ncreation_date:  2026-05-01T10:00:00.000Z\n"); // Set {"zeroshot-models"}
 */
export function parseBucketList(stdout: string): Set<string> {
  const names = stripVTControlCharacters(stdout)
    .split("\n")
    .map((line) => /^name:\s+(\S+)\s*$/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  return new Set(names);
}

/**
 * Queue names from `wrangler queues list`: a box-drawn table whose header
 * row names the columns (`id`, `name`, `created_on`, ...). It shows one page
 * of the API's listing.
 *
 * @example
 * parseQueueList("│ id │ name │\n├────┼──────┤\n│ q0 │ jobs │\n"); // Set {"jobs"}
 */
export function parseQueueList(stdout: string): Set<string> {
  const rows = stripVTControlCharacters(stdout)
    .split("\n")
    .filter((line) => line.trimStart().startsWith("│"))
    .map((line) =>
      line
        .trim()
        .split("│")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const column = rows[0]?.indexOf("name") ?? -1;
  if (column < 0) return new Set();
  return new Set(rows.slice(1).map((cells) => cells[column] ?? ""));
}

/**
 * Secret names from `wrangler secret list --format json`: `[{ "name", "type" }]`.
 *
 * @example
 * parseSecretList('[\n  {\n    "name": "API_KEYS",\n    "type": "secret_text"\n  }\n]'); // Set {"API_KEYS"}
 */
export function parseSecretList(stdout: string): Set<string> {
  const text = stripVTControlCharacters(stdout);
  const json = text.slice(text.indexOf("["), text.lastIndexOf("]") + 1);
  const entries: unknown = JSON.parse(json);
  if (!Array.isArray(entries)) throw new Error(`wrangler secret list printed no JSON list: ${text.slice(0, 200)}`);
  return new Set(entries.map((entry: { name?: unknown }) => String(entry.name)));
}

/**
 * The first whitespace-separated word of a `{key}.sha256` object: the hex
 * digest (the object is written as `sha256sum` prints, `<hex>  <name>`).
 *
 * @example
 * parseChecksum("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  decoder.ort\n"); // "9f86d08188..."
 */
export function parseChecksum(stdout: string): string | undefined {
  const word = stripVTControlCharacters(stdout).trim().split(/\s+/)[0]?.toLowerCase();
  return word && /^[0-9a-f]{64}$/.test(word) ? word : undefined;
}

/** What a failed wrangler command said, in the cases the deploy tells apart. */
export type KnownFailure = "worker-not-found" | "queue-not-found" | "object-not-found" | "bucket-exists";

/**
 * Names the failure when it is one the plan expects, else undefined (a real error).
 *
 * @example
 * classifyFailure({ code: 1, stdout: "", stderr: "✘ [ERROR] The specified key does not exist." }); // "object-not-found"
 */
export function classifyFailure(result: CommandResult): KnownFailure | undefined {
  if (result.code === 0) return undefined;
  const text = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`);
  // `wrangler secret list` on a Worker never deployed: `Worker "x" (env: staging) not found.`
  if (/\[ERROR\] Worker "[^"]+"( \(env: [^)]+\))? not found\./.test(text)) return "worker-not-found";
  // `wrangler queues info`: `Queue "x" does not exist. To create it, run: ...`
  if (/\[ERROR\] Queue "[^"]+" does not exist\./.test(text)) return "queue-not-found";
  // `wrangler r2 object get --remote` on a 404.
  if (text.includes("[ERROR] The specified key does not exist.")) return "object-not-found";
  // The R2 API's answer to creating a bucket this account already has (wrangler appends `[code: N]`).
  if (/\[code: 10004\]|already exists, and you own it/.test(text)) return "bucket-exists";
  return undefined;
}
