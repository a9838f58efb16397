/**
 * CPU time that wrangler's dev server spends per request, read from /proc
 * (Linux): `unstable_dev` runs two workerd processes, wrangler's proxy Worker
 * and the user Worker (the one started with `--inspector-addr`). A sampling
 * profile says where the Worker's time goes; this says how much there is,
 * independent of the client's clock and of how busy the machine is.
 */
import { readFileSync } from "node:fs";
import { workerdPids } from "./workerd-process";

/** CPU ms (user + system) per request of each workerd process, over one phase. */
export interface WorkerdCpu {
  requests: number;
  /** The user Worker's workerd: the router's own code, its runtime and its fetch to the backend. */
  worker_ms_per_request: number;
  /** wrangler's proxy workerd: the dev server's hop, not the router's. */
  proxy_ms_per_request: number;
}

// Linux USER_HZ: utime and stime in /proc/PID/stat count 1/100 s on every common build.
const TICK_MS = 10;

/**
 * Runs `send` `requests` times, in sequence, and divides the CPU time each
 * workerd descending from this process used by `requests`. Resolution is one
 * 10 ms tick per phase, so use a few hundred requests.
 *
 * @example
 * const cpu = await measureWorkerdCpu(500, () => fetch(`${url}/health`).then((r) => r.text()));
 * cpu.worker_ms_per_request; // e.g. 0.31
 */
export async function measureWorkerdCpu(requests: number, send: () => Promise<unknown>): Promise<WorkerdCpu> {
  const roles = workerdRoles();
  const before = { worker: cpuMs(roles.worker), proxy: cpuMs(roles.proxy) };
  for (let index = 0; index < requests; index++) await send();
  const per = (now: number, then: number) => Math.round(((now - then) / requests) * 1000) / 1000;
  return {
    requests,
    worker_ms_per_request: per(cpuMs(roles.worker), before.worker),
    proxy_ms_per_request: per(cpuMs(roles.proxy), before.proxy),
  };
}

/** Tells the user Worker's workerd (inspector on) from the proxy's, among this process's descendants. */
function workerdRoles(): { worker: number[]; proxy: number[] } {
  const worker: number[] = [];
  const proxy: number[] = [];
  for (const { pid } of workerdPids()) {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    (args.some((arg) => arg.startsWith("--inspector-addr")) ? worker : proxy).push(pid);
  }
  if (worker.length === 0) throw new Error("found no workerd process with an inspector among this process's children");
  return { worker, proxy };
}

function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm may hold spaces, so fields are counted after the last ')': utime is field 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}
