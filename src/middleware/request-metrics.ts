/** What one request contributes to the metrics: the fields of its log line that are numbers or labels. */
export interface RequestSample {
  at: number;
  route: string;
  task?: string;
  backend?: string;
  status: number;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
}

/** One row of `GET /v1/metrics`: a task (or route) on a backend over the window. */
export interface MetricsRow {
  task: string;
  backend: string;
  requests: number;
  errors: number;
  latency_ms: { p50: number; p95: number; max: number };
  prompt_tokens: number;
  completion_tokens: number;
}

/** The isolate keeps the newest this many samples, whatever the window (up to twice as many between trims), so memory stays bounded. */
const MAX_SAMPLES = 10_000;
const samples: RequestSample[] = [];

/**
 * Records a request in this isolate's window and, when the deployment has
 * the `METRICS` Analytics Engine binding, as a data point there: blobs
 * `[task, backend, status class, route]`, doubles `[latency ms, prompt
 * tokens, completion tokens, status]`, indexed by task, so the fleet-wide
 * view is one SQL query away.
 *
 * @example
 * recordRequest(sample, env.METRICS);
 */
export function recordRequest(sample: RequestSample, dataset?: AnalyticsEngineDataset): void {
  samples.push(sample);
  // Trimmed in steps of MAX_SAMPLES, so a request's cost stays constant rather than shifting the whole array each time.
  if (samples.length >= 2 * MAX_SAMPLES) samples.splice(0, samples.length - MAX_SAMPLES);
  dataset?.writeDataPoint({
    indexes: [sample.task ?? sample.route],
    blobs: [sample.task ?? "", sample.backend ?? "", `${Math.floor(sample.status / 100)}xx`, sample.route],
    doubles: [sample.latencyMs, sample.promptTokens, sample.completionTokens, sample.status],
  });
}

/**
 * This isolate's requests in the last `windowSeconds`, per task and backend
 * (a Worker runs many isolates; Analytics Engine holds the fleet's).
 *
 * @example
 * summarizeWindow(300, Date.now()).rows[0]; // { task: "answer", backend: "gpu", requests: 12, … }
 */
export function summarizeWindow(
  windowSeconds: number,
  now: number,
): { window_seconds: number; since: number; requests: number; rows: MetricsRow[] } {
  const since = now - windowSeconds * 1000;
  const groups = new Map<string, RequestSample[]>();
  for (const sample of samples) {
    if (sample.at < since) continue;
    const key = `${sample.task ?? sample.route}\u0000${sample.backend ?? "none"}`;
    const group = groups.get(key);
    if (group) group.push(sample);
    else groups.set(key, [sample]);
  }
  const rows = [...groups.entries()].map(([key, group]): MetricsRow => {
    const [task = "", backend = ""] = key.split("\u0000");
    const latencies = group.map((sample) => sample.latencyMs).sort((a, b) => a - b);
    return {
      task,
      backend,
      requests: group.length,
      errors: group.filter((sample) => sample.status >= 400).length,
      latency_ms: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: latencies.at(-1) ?? 0 },
      prompt_tokens: group.reduce((sum, sample) => sum + sample.promptTokens, 0),
      completion_tokens: group.reduce((sum, sample) => sum + sample.completionTokens, 0),
    };
  });
  rows.sort((a, b) => b.requests - a.requests || a.task.localeCompare(b.task));
  return {
    window_seconds: windowSeconds,
    since: Math.floor(since / 1000),
    requests: rows.reduce((sum, row) => sum + row.requests, 0),
    rows,
  };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}
