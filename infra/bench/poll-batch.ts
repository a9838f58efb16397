/**
 * Polls an OpenAI-style batch to a terminal status for the async batch
 * bench, surviving polls that fail or hang: each poll has its own deadline,
 * and a failed one is recorded (with whether the Worker still answered
 * GET /health at that moment) before polling goes on.
 */
import type OpenAI from "openai";

const TERMINAL = new Set(["completed", "failed", "cancelled", "expired"]);
/** Errors listed by name; `poll_errors` counts them all. */
const LISTED_ERRORS = 5;

/** A poll that threw: when (ms after create), why, and whether /health answered right after. */
export interface PollError {
  at_ms: number;
  error: string;
  health: string;
}

/** How polling went. */
export interface PollResult {
  batch: OpenAI.Batches.Batch;
  /** Statuses in the order first seen. */
  statuses_seen: string[];
  /** ms from create until a poll saw a status other than `validating`. */
  validation_ms?: number;
  /** ms from create until a poll saw a terminal status. */
  completion_ms: number;
  poll_errors: number;
  first_poll_errors: PollError[];
}

/** What `pollBatch` needs besides the client. */
export interface PollOptions {
  pollMs: number;
  /** Deadline of one poll. */
  pollTimeoutMs: number;
  /** Deadline of the whole job; past it, pollBatch throws. */
  timeoutS: number;
  /** The Worker's base URL, for the /health probe after a failed poll. */
  routerUrl: string;
  /** Called on each status change, e.g. to tag memory samples. */
  onStatus(status: string): void;
}

/**
 * Polls `created` every `pollMs` until it reaches a terminal status; logs
 * progress to stderr every 10 s.
 *
 * @example
 * const polled = await pollBatch(client, batch, { pollMs: 500, pollTimeoutMs: 60_000, timeoutS: 3600, routerUrl, onStatus: () => {} });
 */
export async function pollBatch(client: OpenAI, created: OpenAI.Batches.Batch, options: PollOptions): Promise<PollResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const result: PollResult = { batch: created, statuses_seen: [created.status], completion_ms: 0, poll_errors: 0, first_poll_errors: [] };
  let lastLog = 0;
  while (!TERMINAL.has(result.batch.status)) {
    if (elapsed() > options.timeoutS * 1000) {
      throw new Error(`batch ${created.id} still ${result.batch.status} after ${options.timeoutS} s (${result.poll_errors} polls failed)`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    try {
      result.batch = await client.batches.retrieve(created.id, { timeout: options.pollTimeoutMs });
    } catch (error) {
      result.poll_errors += 1;
      const failure = { at_ms: elapsed(), error: describe(error), health: await probeHealth(options.routerUrl) };
      console.error(`[bench:batch] poll failed: ${JSON.stringify(failure)}`);
      if (result.first_poll_errors.length < LISTED_ERRORS) result.first_poll_errors.push(failure);
      continue;
    }
    const { status } = result.batch;
    if (result.statuses_seen.at(-1) !== status) {
      result.statuses_seen.push(status);
      options.onStatus(status);
    }
    if (status !== "validating" && result.validation_ms === undefined) result.validation_ms = elapsed();
    if (elapsed() - lastLog > 10_000) {
      lastLog = elapsed();
      console.error(`[bench:batch] ${lastLog} ms: ${status} ${JSON.stringify(result.batch.request_counts)}`);
    }
  }
  result.completion_ms = elapsed();
  return result;
}

async function probeHealth(routerUrl: string): Promise<string> {
  const started = performance.now();
  try {
    const response = await fetch(`${routerUrl}/health`, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return `${response.status} in ${Math.round(performance.now() - started)} ms`;
  } catch (error) {
    return `no answer: ${describe(error)}`;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
  return `${error.name}: ${error.message}${cause}`;
}
