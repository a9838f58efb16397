import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
// npm and tsx start in a second or two each; the shared CI cores can make that several.
const TIMEOUT_MS = 30_000;

/** What `npm run key:new` prints: the key, its digest and the instructions around them. */
async function runKeyNew(): Promise<{ stdout: string; key: string; digest: string }> {
  const { stdout } = await run("npm", ["run", "--silent", "key:new"], { encoding: "utf8" });
  const key = /^key: +(\S+)$/m.exec(stdout)?.[1] ?? "";
  const digest = /^digest: +(\S+)$/m.exec(stdout)?.[1] ?? "";
  return { stdout, key, digest };
}

describe("npm run key:new", () => {
  it(
    "prints a zsr_ key of 32 random bytes and the SHA-256 hex digest API_KEYS lists for it",
    async () => {
      const { key, digest } = await runKeyNew();
      expect(key).toMatch(/^zsr_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(4), "base64url")).toHaveLength(32);
      expect(digest).toBe(createHash("sha256").update(key).digest("hex"));
    },
    TIMEOUT_MS,
  );

  it(
    "says how to install the digest and use the key, and makes a new key every time",
    async () => {
      const [first, second] = await Promise.all([runKeyNew(), runKeyNew()]);
      expect(second.key).not.toBe(first.key);
      expect(first.stdout).toContain(`echo "${first.digest}" | npx wrangler secret put API_KEYS`);
      expect(first.stdout).toContain(`API_KEYS=${first.digest}`);
      expect(first.stdout).toContain(`Authorization: Bearer ${first.key}`);
    },
    TIMEOUT_MS,
  );
});
