import type { RunConfig, TaskCall, TaskReply } from "./eval-types";

const MAX_TRIES = 6;

/** A task request the router refused for good (4xx other than 429): the example's input cannot run. */
export class TaskRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`router answered ${status}: ${body.slice(0, 300)}`);
    this.name = "TaskRefused";
  }
}

/**
 * A task caller for the router's public endpoints, exactly as a client
 * calls them: `POST {router}/v1/tasks/{task}` with the run's backend in
 * `options.backend`. Rate limits (429) and server errors are retried with
 * backoff, honouring Retry-After.
 *
 * @example
 * const callTask = createTaskCaller({ router: "http://127.0.0.1:8787", backend: "gpu", ... });
 * const reply = await callTask({ task: "answer", body: { question: "Who wrote Hamlet?" } });
 */
export function createTaskCaller(config: Pick<RunConfig, "router" | "backend" | "apiKey">, fetchImpl: typeof fetch = fetch) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  return async (call: TaskCall): Promise<TaskReply> => {
    const options = { ...((call.body.options as Record<string, unknown> | undefined) ?? {}), backend: config.backend };
    const body = JSON.stringify({ ...call.body, options });
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetchImpl(`${config.router.replace(/\/$/, "")}/v1/tasks/${call.task}`, {
        method: "POST",
        headers,
        body,
      }).catch((error: unknown) => error as Error);
      if (!(response instanceof Error) && response.ok) return (await response.json()) as TaskReply;
      const retryable = response instanceof Error || response.status === 429 || response.status >= 500;
      const text = response instanceof Error ? String(response) : await response.text();
      if (!retryable || attempt >= MAX_TRIES) {
        if (response instanceof Error) throw response;
        throw new TaskRefused(response.status, text);
      }
      await sleep(retryDelay(response instanceof Error ? null : response.headers.get("retry-after"), attempt));
    }
  };
}

function retryDelay(retryAfter: string | null, attempt: number): number {
  const seconds = Number(retryAfter);
  if (retryAfter !== null && Number.isFinite(seconds)) return Math.min(seconds * 1000, 60_000);
  return Math.min(250 * 2 ** (attempt - 1), 10_000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
