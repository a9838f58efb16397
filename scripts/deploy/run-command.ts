/**
 * The one place `npm run deploy` starts processes. Every step receives a
 * `Run` and calls wrangler through it, so tests hand the plan a scripted
 * wrangler instead (test/infra/scripts/deploy-plan.test.ts).
 */
import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";

/** What a finished command left: its exit code and everything it printed. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How to run one command: `stdin` is written to it and closed; `echo` also shows its output live. */
export interface RunOptions {
  stdin?: string;
  echo?: boolean;
}

/** Runs `cmd` with `args` and resolves when it exits, whatever its code. */
export type Run = (cmd: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

/** Set for every wrangler call: no usage metrics, no Cloudflare fetches wrangler makes on its own. */
export const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" } as const;

/**
 * A `Run` that spawns real processes, with `WRANGLER_ENV` and `extraEnv`
 * added to this process's environment (which carries CLOUDFLARE_API_TOKEN
 * and friends).
 *
 * @example
 * const run = createProcessRunner();
 * const { code, stdout } = await run("npx", ["wrangler", "r2", "bucket", "list"]);
 */
export function createProcessRunner(extraEnv: Readonly<Record<string, string>> = {}): Run {
  return (cmd, args, options = {}) =>
    new Promise((resolve, reject) => {
      const env = { ...process.env, ...WRANGLER_ENV, ...extraEnv };
      const child = spawn(cmd, args, { env, stdio: ["pipe", "pipe", "pipe"] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => {
        stdout.push(chunk);
        if (options.echo) process.stdout.write(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr.push(chunk);
        if (options.echo) process.stderr.write(chunk);
      });
      child.on("error", reject);
      child.on("close", (code) =>
        resolve({ code: code ?? 1, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }),
      );
      child.stdin.end(options.stdin ?? "");
    });
}

/**
 * A command as a person would type it: arguments quoted only when the shell needs it.
 *
 * @example
 * formatCommand("npx", ["wrangler", "r2", "object", "put", "b/k v"]); // "npx wrangler r2 object put 'b/k v'"
 */
export function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(" ");
}

/**
 * A failed command's output, for an error message: colours and npm's own warnings removed, the last lines kept.
 *
 * @example
 * describeFailure({ code: 1, stdout: "", stderr: "✘ [ERROR] Authentication error" }); // "exit 1: ✘ [ERROR] Authentication error"
 */
export function describeFailure(result: CommandResult, lines = 12): string {
  const text = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`)
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("npm warn") && !line.startsWith("🪵"))
    .slice(-lines)
    .join("\n");
  return `exit ${result.code}: ${text}`;
}
