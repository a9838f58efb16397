import type { TestProject } from "vitest/node";
import { createScriptedEngine } from "../../../infra/backend/scripted-engine";
import { startCompletionsServer } from "../../../infra/backend/server";

/**
 * Starts the vLLM-compatible stub backend once for the workerd test project
 * and hands its URL to the Worker as `GPU_BASE_URL` (see vitest.config.ts).
 * Tests script answers and inspect requests through test/support/stub-control.ts.
 *
 * @example
 * // vitest.config.ts
 * test: { globalSetup: ["./test/support/node/global-setup.ts"] }
 * // in a test
 * const baseUrl = inject("gpuBaseUrl");
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startCompletionsServer({ engine: createScriptedEngine(), port: 0 });
  project.provide("gpuBaseUrl", server.url);
  return () => server.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    gpuBaseUrl: string;
  }
}
