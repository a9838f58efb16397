/**
 * `npm start`: the router on http://127.0.0.1:8787 through `wrangler dev`,
 * with the edge model in its local R2 bucket: distilgpt2 when
 * `npm run model:fetch` has fetched it, else the generated tiny random-weight
 * GPT-2 (meaningless outputs, said loudly). When nothing answers at
 * GPU_BASE_URL (default http://127.0.0.1:8000), the reference backend
 * (infra/backend: the same model on onnxruntime-node, speaking vLLM's
 * protocol) is started there so `backend: "gpu"` and fallbacks answer too.
 */
import { spawn } from "node:child_process";
import { chooseEngine } from "../infra/backend/choose-engine";
import { startCompletionsServer } from "../infra/backend/server";
import { convertModel } from "../infra/model/convert-model";
import { chooseLocalModel, seedLocalModel } from "../infra/model/seed-model";

const gpuBaseUrl = process.env.GPU_BASE_URL ?? "http://127.0.0.1:8000";

async function isAnswering(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

async function startReferenceBackendIfNeeded(modelPath: string): Promise<(() => Promise<void>) | undefined> {
  if (await isAnswering(gpuBaseUrl)) {
    console.log(`using the completions server at ${gpuBaseUrl}`);
    return undefined;
  }
  const { port, hostname } = new URL(gpuBaseUrl);
  const { engine, contextTokens } = await chooseEngine({ modelPath });
  const server = await startCompletionsServer({ engine, host: hostname, port: Number(port), maxModelLen: contextTokens });
  console.warn(
    `\n!!! No GPU server at ${gpuBaseUrl}: started the reference backend there (${modelPath} on onnxruntime-node, CPU).\n` +
      "!!! Point GPU_BASE_URL at vLLM for the big models.\n",
  );
  return server.close;
}

const edgeModel = await chooseLocalModel();
seedLocalModel((await convertModel(edgeModel.path)).path);
if (edgeModel.meaningless) {
  console.warn(
    "\n!!! Edge model: the generated TINY RANDOM-WEIGHT GPT-2. Its outputs are MEANINGLESS.\n" +
      "!!! Run `npm run model:fetch` (distilgpt2 from the Hugging Face hub) and restart for real text.\n",
  );
}
console.warn(
  "!!! Local workerd does not enforce a Worker's 128 MB; the edge plans its memory as on Workers (GET /health?check=true shows it).",
);
const stopStandIn = await startReferenceBackendIfNeeded(edgeModel.path);
const wrangler = spawn(
  "npx",
  [
    "wrangler",
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    "8787",
    "--var",
    `GPU_BASE_URL:${gpuBaseUrl}`,
    "--var",
    `EDGE_MODEL:${edgeModel.name}`,
  ],
  {
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  },
);
const shutdown = () => wrangler.kill("SIGINT");
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
wrangler.on("exit", async (code) => {
  await stopStandIn?.();
  process.exit(code ?? 0);
});
