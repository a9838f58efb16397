import type { FaultConfig, FaultStats } from "../../infra/backend/fault-control";
import type { ScriptRule } from "../../infra/backend/script-rules";

/**
 * Helpers for tests running inside workerd to drive the stub GPU backend
 * (infra/backend/server.ts) over HTTP: only `fetch`, no Node APIs. Tests share
 * one stub and run in parallel, so each puts a unique marker in its prompts
 * and scripts and looks up requests by that marker.
 */

export type { FaultConfig, FaultStats, ScriptRule };

/** A completions request the stub received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The JSON body as sent (`any`: tests read arbitrary wire fields). */
  body: any;
  /** True once the caller closed the connection before the answer was complete. */
  closedEarly?: boolean;
}

/**
 * A marker unique to this call, to put in prompts and script rules.
 *
 * @example
 * const marker = uniqueMarker("capital-"); // "capital-3f9a1c2e"
 */
export function uniqueMarker(prefix = "t-"): string {
  return prefix + crypto.randomUUID().slice(0, 8);
}

/**
 * Scripts the stub: prompts matching the rule get `rule.text` as completion
 * (newest matching rule wins).
 *
 * @example
 * await addScript(inject("gpuBaseUrl"), { contains: marker, text: " Paris<|endoftext|>" });
 */
export async function addScript(baseUrl: string, rule: ScriptRule): Promise<void> {
  const response = await fetch(`${baseUrl}/__stub/scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(rule),
  });
  if (response.status !== 201) throw new Error(`adding a stub script failed: ${response.status} ${await response.text()}`);
}

/**
 * The completions requests whose prompt contains `contains`, oldest first.
 *
 * @example
 * const [request] = await findRequests(inject("gpuBaseUrl"), marker);
 * expect(request.body.temperature).toBe(0);
 */
export async function findRequests(baseUrl: string, contains: string): Promise<RecordedRequest[]> {
  const response = await fetch(`${baseUrl}/__stub/requests?contains=${encodeURIComponent(contains)}`);
  if (!response.ok) throw new Error(`reading the stub's requests failed: ${response.status} ${await response.text()}`);
  const { requests } = (await response.json()) as { requests: RecordedRequest[] };
  return requests;
}

/**
 * Makes the whole server misbehave (see infra/backend/fault-control.ts) and
 * restarts its stats. Only on a server of its own (`gpuBaseUrlFaulty`):
 * the shared stub serves every test file at once.
 *
 * @example
 * await setFaults(inject("gpuBaseUrlFaulty"), { mode: "500", rate: 0.5, seed: 7 });
 */
export async function setFaults(baseUrl: string, config: FaultConfig): Promise<void> {
  const response = await fetch(`${baseUrl}/__stub/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (!response.ok) throw new Error(`setting stub faults failed: ${response.status} ${await response.text()}`);
  await response.body?.cancel();
}

/**
 * Turns server-wide faults off; the stats stay readable.
 *
 * @example
 * afterEach(() => clearFaults(inject("gpuBaseUrlFaulty")));
 */
export async function clearFaults(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/__stub/faults`, { method: "DELETE" });
  if (!response.ok) throw new Error(`clearing stub faults failed: ${response.status} ${await response.text()}`);
  await response.body?.cancel();
}

/**
 * Completions requests and injected faults since faults were last set.
 *
 * @example
 * expect(await readStats(url)).toMatchObject({ requests: 3, faulted: 1, by_mode: { "500": 1 } });
 */
export async function readStats(baseUrl: string): Promise<FaultStats> {
  const response = await fetch(`${baseUrl}/__stub/stats`);
  if (!response.ok) throw new Error(`reading stub stats failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as FaultStats;
}
