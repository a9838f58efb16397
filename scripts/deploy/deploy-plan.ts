/**
 * The whole of `npm run deploy` for one environment, in order: local checks
 * (GPU URLs, the model file, given secret values) so nothing is written when
 * one fails; then 1. R2 buckets and Queues, 2. the edge model, 3. secrets,
 * 4. `wrangler deploy`. Every step creates, uploads or sets only what is
 * missing or different, so a second run changes nothing (it re-deploys the
 * same Worker). A dry run prints every command and runs only the local build.
 */
import { type DeployContext, DeployError, logResult, logStep, runWrangler } from "./deploy-context";
import { type DeployTarget, findPlaceholderUrls } from "./deploy-target";
import { ensureBuckets, ensureQueues } from "./ensure-resources";
import { checkGivenSecrets, ensureSecrets } from "./ensure-secrets";
import { WRANGLER_ENV } from "./run-command";
import { type EdgeModelFile, prepareModelFile, uploadModel } from "./upload-model";

/** The choices `npm run deploy` takes on its command line. */
export interface DeployOptions {
  /** The edge model: an ORT file, or an ONNX one converted first. */
  modelPath: string;
  /** Set secrets from the environment even when the Worker has them (rotation). */
  updateSecrets: boolean;
}

/**
 * Deploys `target` and returns what changed on the account (empty in a dry
 * run, and on a second run but for the deploy itself). Throws DeployError,
 * whose message says what to do, when a step cannot go on.
 *
 * @example
 * const changes = await runDeploy({ run, log: console.log, dryRun: true, environment: process.env }, target, options);
 */
export async function runDeploy(ctx: DeployContext, target: DeployTarget, options: DeployOptions): Promise<string[]> {
  const envFlags = Object.entries(WRANGLER_ENV)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");
  ctx.log(
    `deploy ${target.env}: Worker ${target.workerName} from [env.${target.env}] of wrangler.toml` +
      (ctx.dryRun ? ", DRY RUN: prints every command, runs only the local build, reads nothing remote" : ""),
  );
  ctx.log(`every wrangler command runs with ${envFlags}`);

  ctx.log("\n[checks] local, before anything is written");
  checkGpuUrls(ctx, target);
  const model = target.model ? await prepareModelFile(ctx, options.modelPath) : undefined;
  const given = checkGivenSecrets(ctx, target.secrets);
  logResult(ctx, `secrets given in the environment: ${given.length > 0 ? given.join(", ") : "none"}`);

  logStep(ctx, 1, "R2 buckets and queues, created when missing");
  const changes = [...(await ensureBuckets(ctx, target.buckets)), ...(await ensureQueues(ctx, target.queues))];

  logStep(ctx, 2, "edge model, uploaded when its checksum differs");
  changes.push(...(await uploadEdgeModel(ctx, target, model)));

  logStep(ctx, 3, "secrets, set when missing and given");
  changes.push(...(await ensureSecrets(ctx, target, options)));

  logStep(ctx, 4, `wrangler deploy --env ${target.env}`);
  changes.push(...(await deployWorker(ctx, target)));

  ctx.log(
    ctx.dryRun
      ? `\ndry run done: nothing remote was read or changed (a real run: ${target.env === "production" ? "npm run deploy" : `npm run deploy:${target.env}`})`
      : `\ndone: ${changes.join(", ")}`,
  );
  return changes;
}

function checkGpuUrls(ctx: DeployContext, target: DeployTarget): void {
  const problems = findPlaceholderUrls(target.gpuUrls);
  if (problems.length === 0) {
    logResult(ctx, `GPU servers: ${target.gpuUrls.length > 0 ? target.gpuUrls.join(", ") : "none (every task on the edge)"}`);
    return;
  }
  const message = `GPU: ${problems.join("; ")}: set GPU_BASE_URL (or GPU_BACKENDS) in [env.${target.env}.vars] of wrangler.toml to your GPU tier`;
  if (!ctx.dryRun) throw new DeployError(message);
  logResult(ctx, `${message} (a real run stops here)`);
}

async function uploadEdgeModel(ctx: DeployContext, target: DeployTarget, model: EdgeModelFile | undefined): Promise<string[]> {
  if (!target.model || !model) {
    logResult(ctx, `[env.${target.env}] sets no EDGE_MODEL_KEY or MODELS bucket: the edge backend is off, nothing to upload`);
    return [];
  }
  return uploadModel(ctx, target.model, model);
}

async function deployWorker(ctx: DeployContext, target: DeployTarget): Promise<string[]> {
  if (ctx.dryRun) {
    await runWrangler(ctx, ["deploy", "--env", target.env, "--dry-run", "--outdir", `dist/${target.env}`], {
      local: true,
      note: "dry run: builds the bundle here and lists its bindings, uploads nothing",
      echo: true,
    });
  }
  await runWrangler(ctx, ["deploy", "--env", target.env], { echo: true });
  if (ctx.dryRun) return [];
  logResult(ctx, `Worker ${target.workerName}: deployed`);
  return [`deployed ${target.workerName}`];
}
