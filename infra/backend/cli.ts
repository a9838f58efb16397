import { parseArgs } from "node:util";
import { createScriptedEngine } from "./scripted-engine";
import { startCompletionsServer } from "./server";

/**
 * Runs the vLLM-compatible stub backend for local development:
 *
 *   tsx infra/backend/cli.ts --port 8000 [--host 127.0.0.1] [--model gpt2] [--max-model-len 1024] [--api-key K]
 *
 * Prints its base URL on stdout (one line) and stops on SIGINT or SIGTERM.
 */

const USAGE = "usage: tsx infra/backend/cli.ts --port 8000 [--host 127.0.0.1] [--model gpt2] [--max-model-len 1024] [--api-key KEY]";

function readNonNegativeInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}\n${USAGE}`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      model: { type: "string" },
      "max-model-len": { type: "string" },
      "api-key": { type: "string" },
    },
  });
  const server = await startCompletionsServer({
    engine: createScriptedEngine(),
    port: readNonNegativeInteger("port", values.port, 8000),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.model !== undefined ? { modelName: values.model } : {}),
    maxModelLen: readNonNegativeInteger("max-model-len", values["max-model-len"], 1024),
    ...(values["api-key"] !== undefined ? { apiKey: values["api-key"] } : {}),
  });
  console.error(
    [
      "WARNING: this is a STUB backend, not a model. It speaks vLLM's /v1/completions wire format,",
      "but every completion and logprob it returns is scripted or pseudo-random and MEANINGLESS.",
      "Use it for tests and local development only; point GPU_BASE_URL at a real vLLM server for real answers.",
    ].join("\n"),
  );
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
