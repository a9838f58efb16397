/**
 * Step 3 of `npm run deploy`: the Worker's secrets. `wrangler secret list`
 * gives names only, so a secret is set from the environment variable of the
 * same name when the Worker lacks it (or, with --update-secrets, always),
 * never compared. A required secret neither set nor given stops the deploy
 * before anything is written. Values reach wrangler on stdin, never argv or
 * the log.
 */
import { parseApiKeys } from "../../src/config/parse-api-keys";
import { ApiError } from "../../src/errors/api-error";
import type { DeployTarget, SecretRule } from "./deploy-target";
import { type DeployContext, DeployError, logResult, runWrangler } from "./deploy-context";
import { parseSecretList } from "./wrangler-output";

/**
 * Sets the secrets of `target` that are given and missing (their values checked by
 * `checkGivenSecrets` first); returns what it set.
 *
 * @example
 * await ensureSecrets({ ...ctx, environment: { API_KEYS: digest } }, target, { updateSecrets: false }); // ["secret API_KEYS"]
 */
export async function ensureSecrets(
  ctx: DeployContext,
  target: Pick<DeployTarget, "env" | "workerName" | "secrets">,
  options: { updateSecrets: boolean },
): Promise<string[]> {
  // runDeploy checked the given values among its local checks, before anything was written.
  const given = (name: string) => readGivenSecret(ctx, name);
  const listed = await runWrangler(ctx, ["secret", "list", "--env", target.env, "--format", "json"], {
    note: "names only",
    accept: ["worker-not-found"],
  });
  if (listed && listed.code !== 0) logResult(ctx, `Worker ${target.workerName} is not deployed yet: it has no secrets`);
  const existing = listed ? (listed.code === 0 ? parseSecretList(listed.stdout) : new Set<string>()) : undefined;
  const toSet: SecretRule[] = [];
  const missing: SecretRule[] = [];
  for (const rule of target.secrets) {
    const isGiven = given(rule.name) !== undefined;
    if (existing === undefined) {
      logResult(ctx, describePlannedSecret(rule, isGiven, options.updateSecrets));
      if (isGiven) toSet.push(rule);
    } else if (existing.has(rule.name) && !(isGiven && options.updateSecrets)) {
      logResult(ctx, `${rule.name}: set${isGiven ? ` ($${rule.name} is given but replaces it only with --update-secrets)` : ""}`);
    } else if (isGiven) {
      toSet.push(rule);
    } else if (rule.required) {
      missing.push(rule);
    } else {
      logResult(ctx, `${rule.name}: not set, optional (${rule.reason})`);
    }
  }
  if (missing.length > 0) throw new DeployError(describeMissingSecrets(target, missing));
  for (const rule of toSet) {
    await runWrangler(ctx, ["secret", "put", rule.name, "--env", target.env], {
      stdin: given(rule.name),
      stdinLabel: `"$${rule.name}"`,
      note: ctx.dryRun ? "when the Worker lacks it" : undefined,
    });
    if (!ctx.dryRun) logResult(ctx, `${rule.name}: set from $${rule.name}`);
  }
  return ctx.dryRun ? [] : toSet.map((rule) => `secret ${rule.name}`);
}

/**
 * Checks every secret the environment gives, before anything is written;
 * returns the names of those given.
 *
 * @example
 * checkGivenSecrets({ ...ctx, environment: { API_KEYS: "not-a-digest" } }, target.secrets); // throws DeployError
 * checkGivenSecrets({ ...ctx, environment: { API_KEYS: digest } }, target.secrets); // ["API_KEYS"]
 */
export function checkGivenSecrets(ctx: DeployContext, rules: readonly SecretRule[]): string[] {
  const given: string[] = [];
  for (const rule of rules) {
    const value = readGivenSecret(ctx, rule.name);
    if (value === undefined) continue;
    checkSecretValue(rule.name, value);
    given.push(rule.name);
  }
  return given;
}

/**
 * Refuses a value the Worker would reject at its first request, with the
 * Worker's own parser: API_KEYS lists SHA-256 hex digests of the keys,
 * comma-separated, never the keys.
 *
 * @example
 * checkSecretValue("API_KEYS", "zsr_abc"); // throws DeployError
 * checkSecretValue("API_KEYS", `${digest},`); // passes: the Worker skips the blank entry too
 */
export function checkSecretValue(name: string, value: string): void {
  if (name !== "API_KEYS") return;
  try {
    parseApiKeys(value);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new DeployError(
      `the Worker would refuse this API_KEYS (${error.message}): it lists the digests of the keys, comma-separated, ` +
        "never the keys themselves (`npm run key:new` prints a key and its digest)",
      { cause: error },
    );
  }
}

function readGivenSecret(ctx: DeployContext, name: string): string | undefined {
  const value = ctx.environment[name];
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

function describePlannedSecret(rule: SecretRule, isGiven: boolean, updateSecrets: boolean): string {
  if (isGiven)
    return `${rule.name}: set from $${rule.name} ${updateSecrets ? "(--update-secrets: even if present)" : "when the Worker lacks it"}`;
  if (rule.required)
    return `${rule.name}: required (${rule.reason}): a real run stops unless the Worker has it; give $${rule.name} to set it`;
  return `${rule.name}: optional, left as it is (${rule.reason}); give $${rule.name} to set it`;
}

function describeMissingSecrets(target: Pick<DeployTarget, "env" | "workerName">, missing: readonly SecretRule[]): string {
  const command = target.env === "production" ? "npm run deploy" : `npm run deploy:${target.env}`;
  const list = missing.map((rule) => `${rule.name} (${rule.reason})`).join(", ");
  const example = missing.map((rule) => `${rule.name}=${rule.name === "API_KEYS" ? "<digest>[,<digest>...]" : "..."}`).join(" ");
  return (
    `${target.env} needs secrets the Worker ${target.workerName} does not have and the environment does not give: ${list}. ` +
    `Give each as an environment variable of the same name and run again: ${example} ${command}` +
    (missing.some((rule) => rule.name === "API_KEYS") ? " (`npm run key:new` prints a key and its digest)." : ".")
  );
}
