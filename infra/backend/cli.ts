import { parseArgs } from "node:util";
import { chooseEngine } from "./choose-engine";
import { startCompletionsServer } from "./server";

/**
 * Runs the vLLM-compatible reference backend for local development:
 *
 *   tsx infra/backend/cli.ts --port 8000 [--engine onnx|scripted] [--model-path file.onnx] [--runtime node|web]
 *                            [--host 127.0.0.1] [--model gpt2] [--max-model-len N] [--api-key K]
 *
 * The default engine is ONNX (see choose-engine.ts for which model); `scripted`
 * is the deterministic stub. Prints its base URL on stdout (one line), what it
 * serves on stderr, and stops on SIGINT or SIGTERM.
 */

const USAGE =
  "usage: tsx infra/backend/cli.ts --port 8000 [--engine onnx|scripted] [--model-path FILE.onnx] [--runtime node|web] " +
  "[--host 127.0.0.1] [--model gpt2] [--max-model-len N] [--api-key KEY]";

function readNonNegativeInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}\n${USAGE}`);
  return parsed;
}

function readChoice<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new Error(`--${name} must be one of ${allowed.join(", ")}, got ${value}\n${USAGE}`);
}

// vLLM refuses a max_model_len above what the model's config derives; positions past it do not exist.
function resolveMaxModelLen(asked: number | undefined, contextTokens: number | undefined): number {
  if (contextTokens === undefined) return asked ?? 1024;
  if (asked !== undefined && asked > contextTokens) {
    throw new Error(`--max-model-len ${asked} is greater than the model's context (${contextTokens})`);
  }
  return asked ?? contextTokens;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      model: { type: "string" },
      "max-model-len": { type: "string" },
      "api-key": { type: "string" },
      engine: { type: "string" },
      "model-path": { type: "string" },
      runtime: { type: "string" },
    },
  });
  const engineName = readChoice("engine", values.engine, ["scripted", "onnx"] as const);
  const runtime = readChoice("runtime", values.runtime, ["node", "web"] as const);
  const port = readNonNegativeInteger("port", values.port) ?? 8000;
  const askedMaxModelLen = readNonNegativeInteger("max-model-len", values["max-model-len"]);
  const chosen = await chooseEngine({
    ...(engineName !== undefined ? { engine: engineName } : {}),
    ...(values["model-path"] !== undefined ? { modelPath: values["model-path"] } : {}),
    ...(runtime !== undefined ? { runtime } : {}),
  });
  const server = await startCompletionsServer({
    engine: chosen.engine,
    port,
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.model !== undefined ? { modelName: values.model } : {}),
    maxModelLen: resolveMaxModelLen(askedMaxModelLen, chosen.contextTokens),
    ...(values["api-key"] !== undefined ? { apiKey: values["api-key"] } : {}),
  });
  console.error(chosen.banner.join("\n"));
  console.log(server.url);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
