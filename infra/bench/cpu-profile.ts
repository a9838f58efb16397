/**
 * A CPU profile of the Worker's isolate through workerd's V8 inspector (the
 * Profiler domain, relayed by wrangler's inspector proxy), reduced to self
 * time per source file and per function. wrangler bundles the Worker with
 * esbuild, whose output marks each module with a `// src/file.ts` comment
 * line; a sample's bundle line is mapped to the module whose marker precedes it.
 */
import { writeFileSync } from "node:fs";
import { findInspectorUrl } from "./isolate-memory";
import { openInspectorClient, type InspectorClient } from "./inspector-client";

interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface Profile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** One row of a hotspot table: self-time samples and their share of the isolate's busy (non-idle) samples. */
export interface Hotspot {
  name: string;
  samples: number;
  share: number;
}

/** What `profileWorker` reports. */
export interface WorkerProfile {
  sampling_interval_us: number;
  wall_ms: number;
  /** Samples not in `(idle)`: the isolate's own work during the run. */
  busy_samples: number;
  by_file: Hotspot[];
  by_function: Hotspot[];
}

const TIMEOUT_MS = 60_000;
const TOP = 25;
// esbuild's module marker: `// src/config.ts`, `// node_modules/zod/v4/core/schemas.js`.
const MARKER = /^\/\/ ((?:src|node_modules|infra|\.\.\/)\S*\.[cm]?[jt]s)$/;

/**
 * Runs `work` under the V8 sampling profiler of the Worker whose inspector
 * (wrangler's inspector proxy, or workerd's own) is on `inspectorPort`, and
 * ranks self time by file and function. `worker` names the Worker where the
 * port serves more than one.
 *
 * @example
 * const profile = await profileWorker(stack.inspectorPort, 50, () => sendManyRequests());
 * console.log(profile.by_file.slice(0, 5));
 * await profileWorker(port, 50, work, "router.cpuprofile"); // also keeps the raw profile
 * await profileWorker(port, 50, work, undefined, "router"); // one Worker of several
 */
export async function profileWorker(
  inspectorPort: number,
  intervalUs: number,
  work: () => Promise<void>,
  rawPath?: string,
  worker?: string,
): Promise<WorkerProfile> {
  const client = await openInspectorClient(await findInspectorUrl(inspectorPort, { worker }), TIMEOUT_MS);
  try {
    await client.send("Profiler.enable");
    await client.send("Profiler.setSamplingInterval", { interval: intervalUs });
    await client.send("Profiler.start");
    await work();
    const { profile } = await client.send<{ profile: Profile }>("Profiler.stop");
    await client.send("Profiler.disable");
    // A .cpuprofile file opens in Chrome DevTools' Performance panel.
    if (rawPath) writeFileSync(rawPath, JSON.stringify(profile));
    return summarize(profile, await moduleMaps(client, profile), intervalUs);
  } finally {
    await client.close();
  }
}

/** Per script: the bundle's module markers as sorted [line, module] pairs. */
async function moduleMaps(client: InspectorClient, profile: Profile): Promise<Map<string, Array<[number, string]>>> {
  const ids = new Set(profile.nodes.map((node) => node.callFrame.scriptId).filter((id) => id !== "0" && id !== ""));
  const maps = new Map<string, Array<[number, string]>>();
  await client.send("Debugger.enable").catch(() => undefined);
  for (const scriptId of ids) {
    try {
      const { scriptSource } = await client.send<{ scriptSource: string }>("Debugger.getScriptSource", { scriptId });
      const markers: Array<[number, string]> = [];
      scriptSource.split("\n").forEach((line, index) => {
        const found = MARKER.exec(line);
        if (found?.[1]) markers.push([index, found[1].replace(/^(\.\.\/)+/, "")]);
      });
      maps.set(scriptId, markers);
    } catch {
      maps.set(scriptId, []);
    }
  }
  return maps;
}

function moduleOf(markers: Array<[number, string]> | undefined, frame: CallFrame): string {
  if (frame.url === "" && frame.scriptId === "0") return frame.functionName || "(native)";
  let found: string | undefined;
  for (const [line, name] of markers ?? []) {
    if (line > frame.lineNumber) break;
    found = name;
  }
  return found ?? (frame.url || `script ${frame.scriptId}`);
}

/** node_modules files are grouped by package; src files stay whole. */
function fileGroup(module: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  return match ? `${match[1]} (package)` : module;
}

// Shares come from sample counts, not timeDeltas: workerd's sampler takes no samples while the
// isolate waits on I/O without reporting it idle, so a delta can span milliseconds of waiting.
function summarize(profile: Profile, maps: Map<string, Array<[number, string]>>, intervalUs: number): WorkerProfile {
  const counts = new Map<number, number>();
  for (const id of profile.samples ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const samples = counts.get(node.id) ?? 0;
    if (samples === 0 || node.callFrame.functionName === "(idle)") continue;
    busy += samples;
    const module = moduleOf(maps.get(node.callFrame.scriptId), node.callFrame);
    const group = fileGroup(module);
    byFile.set(group, (byFile.get(group) ?? 0) + samples);
    const fn = `${node.callFrame.functionName || "(anonymous)"} (${module})`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + samples);
  }
  const rank = (table: Map<string, number>): Hotspot[] =>
    [...table]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([name, samples]) => ({ name, samples, share: Math.round((samples / busy) * 1000) / 1000 }));
  return {
    sampling_interval_us: intervalUs,
    wall_ms: Math.round(profile.endTime - profile.startTime) / 1000,
    busy_samples: busy,
    by_file: rank(byFile),
    by_function: rank(byFunction),
  };
}
