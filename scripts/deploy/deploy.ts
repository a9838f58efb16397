/**
 * `npm run deploy` (production) and `npm run deploy:staging`: creates the
 * environment's R2 buckets and Queues when missing, uploads the edge model
 * with its checksum when it changed, checks and sets the secrets, and runs
 * `wrangler deploy --env <env>` (deploy-plan.ts). Needs CLOUDFLARE_API_TOKEN
 * and CLOUDFLARE_ACCOUNT_ID, or `wrangler login`; secrets come from
 * environment variables of the same name.
 *
 * @example
 * npm run deploy -- --dry-run                      # the full plan; nothing remote is read or changed
 * API_KEYS=<digest> npm run deploy                 # production
 * npm run deploy:staging -- --model models/x.onnx  # converted to .ort first
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DeployError } from "./deploy-context";
import { type DeployOptions, runDeploy } from "./deploy-plan";
import { DEPLOY_ENVS, type DeployEnv, readDeployTarget } from "./deploy-target";
import { createProcessRunner } from "./run-command";
import { DEFAULT_MODEL_PATH } from "./upload-model";

const USAGE = `usage: tsx scripts/deploy/deploy.ts --env ${DEPLOY_ENVS.join("|")} [--dry-run] [--model FILE] [--update-secrets]
  --dry-run         print every step and command; run only the local build (what CI runs)
  --model FILE      the edge model, .ort or .onnx (converted first); default ${DEFAULT_MODEL_PATH}
  --update-secrets  set each secret given in the environment even when the Worker has it`;

/** The parsed command line. */
export interface DeployArgs extends DeployOptions {
  env: DeployEnv;
  dryRun: boolean;
}

/**
 * Reads the command line; a string is the reason it is not a valid one.
 *
 * @example
 * parseDeployArgs(["--env", "production", "--dry-run"]); // { env: "production", dryRun: true, modelPath: "models/...", updateSecrets: false }
 */
export function parseDeployArgs(argv: readonly string[]): DeployArgs | string {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        env: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        model: { type: "string", default: DEFAULT_MODEL_PATH },
        "update-secrets": { type: "boolean", default: false },
      },
    });
    const env = DEPLOY_ENVS.find((name) => name === values.env);
    if (!env) return `--env must be one of ${DEPLOY_ENVS.join(", ")}${values.env ? `, not ${values.env}` : ""}`;
    return { env, dryRun: values["dry-run"], modelPath: values.model, updateSecrets: values["update-secrets"] };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Runs the deploy the command line asks for and returns the process's exit
 * code: 0 done, 1 stopped (the reason printed), 2 a bad command line.
 *
 * @example
 * process.exitCode = await runDeployCommand(["--env", "staging", "--dry-run"]);
 */
export async function runDeployCommand(argv: readonly string[]): Promise<number> {
  const args = parseDeployArgs(argv);
  if (typeof args === "string") {
    console.error(`${args}\n${USAGE}`);
    return 2;
  }
  try {
    const target = await readDeployTarget(args.env);
    const ctx = { run: createProcessRunner(), log: (line: string) => console.log(line), dryRun: args.dryRun, environment: process.env };
    await runDeploy(ctx, target, args);
    return 0;
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    console.error(`\ndeploy ${args.env} stopped: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runDeployCommand(process.argv.slice(2));
}
