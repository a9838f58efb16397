/**
 * CPU time that workerd spends per request, read from /proc (Linux). Under
 * wrangler's dev server (`unstable_dev`) there are two workerd processes,
 * wrangler's proxy Worker and the user Worker (the one started with
 * `--inspector-addr`); the bench's own workerd stack runs one, with the
 * inspector, which counts as the Worker's. A sampling
 * profile says where the Worker's time goes; this says how much there is,
 * independent of the client's clock and of how busy the machine is.
 */
import { readdirSync, readFileSync } from "node:fs";
import { workerdPids } from "./workerd-process";

/** CPU ms (user + system) per request of each workerd process, over one phase. */
export interface WorkerdCpu {
  requests: number;
  /** The user Worker's workerd: the router's own code, its runtime and its fetch to the backend. */
  worker_ms_per_request: number;
  /** wrangler's proxy workerd: the dev server's hop, not the router's. */
  proxy_ms_per_request: number;
}

/**
 * Runs `send` `requests` times, in sequence, and divides the CPU time each
 * workerd descending from this process used by `requests`. The counters are
 * exact, but other work on the machine still moves them by tens of percent
 * from run to run (caches, contention), so use a few hundred requests.
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

/** Time on CPU of every thread of `pids`, from the scheduler's own nanosecond counters (/proc/PID/task/TID/schedstat). */
function cpuMs(pids: readonly number[]): number {
  let nanoseconds = 0;
  for (const pid of pids) {
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      try {
        nanoseconds += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // The thread ended while we listed it; its time went with it.
      }
    }
  }
  return nanoseconds / 1e6;
}
