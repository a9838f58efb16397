/**
 * What every deploy step shares: the injected command runner, the log, the
 * dry-run switch and the environment secrets are read from; and the two ways
 * a step calls wrangler, a check (reads) and a change (writes). Each prints
 * the exact command before running it; in a dry run each only prints it,
 * marked `would run:`, and nothing starts.
 */
import { classifyFailure, type KnownFailure } from "./wrangler-output";
import { type CommandResult, describeFailure, formatCommand, type Run } from "./run-command";

/** The injected pieces of a deploy. */
export interface DeployContext {
  run: Run;
  log: (line: string) => void;
  dryRun: boolean;
  /** Where secret values are read from: process.env in `npm run deploy`. */
  environment: Readonly<Record<string, string | undefined>>;
}

/** A deploy that stopped: the message says what is wrong and what to do. */
export class DeployError extends Error {
  override name = "DeployError";
}

/** How a wrangler call is made, printed and judged. */
export interface WranglerCall {
  /** Written to the command's stdin; never printed. */
  stdin?: string;
  /** The word the log shows as a bash here-string for stdin: `"$API_KEYS"` prints `... <<< "$API_KEYS"`. */
  stdinLabel?: string;
  /** Why or when the command runs, printed after it. */
  note?: string;
  /** Show the command's output as it comes (long uploads, the deploy itself). */
  echo?: boolean;
  /** Failures the caller handles itself; any other failure stops the deploy. */
  accept?: readonly KnownFailure[];
  /** Runs in a dry run too: for local work that touches nothing remote (the build). */
  local?: boolean;
}

/**
 * The argument list of `npx wrangler ...`, the command every step runs.
 *
 * @example
 * wranglerArgs(["queues", "list"]); // ["wrangler", "queues", "list"]
 */
export function wranglerArgs(args: readonly string[]): string[] {
  return ["wrangler", ...args];
}

/**
 * Runs wrangler `args` and returns its result, or undefined in a dry run
 * (printed, not run; `call.local` commands run even then). A failure not in `call.accept` throws DeployError with
 * the command and the tail of its output.
 *
 * @example
 * const listed = await runWrangler(ctx, ["r2", "bucket", "list"], { note: "check" });
 */
export async function runWrangler(
  ctx: DeployContext,
  args: readonly string[],
  call: WranglerCall = {},
): Promise<CommandResult | undefined> {
  const command = formatCommand("npx", wranglerArgs(args)) + (call.stdinLabel ? ` <<< ${call.stdinLabel}` : "");
  const note = call.note ? `   # ${call.note}` : "";
  if (ctx.dryRun && !call.local) {
    ctx.log(`  would run: ${command}${note}`);
    return undefined;
  }
  ctx.log(`  $ ${command}${note}`);
  const result = await ctx.run("npx", wranglerArgs(args), { stdin: call.stdin, echo: call.echo });
  const known = classifyFailure(result);
  if (result.code !== 0 && !(known && call.accept?.includes(known))) {
    throw new DeployError(`${command} failed, ${describeFailure(result)}`);
  }
  return result;
}

/**
 * Prints a step's heading.
 *
 * @example
 * logStep(ctx, 1, "R2 buckets and queues"); // "[1/4] R2 buckets and queues"
 */
export function logStep(ctx: DeployContext, index: number, title: string): void {
  ctx.log(`\n[${index}/4] ${title}`);
}

/**
 * Prints one outcome line under a step, indented below its commands.
 *
 * @example
 * logResult(ctx, "zeroshot-models: exists");
 */
export function logResult(ctx: DeployContext, line: string): void {
  ctx.log(`    ${line}`);
}
