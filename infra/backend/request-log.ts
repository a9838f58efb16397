/**
 * The completions requests the stub has seen, so tests can check what the
 * Worker actually sent. Tests share one stub and run in parallel, so each
 * finds its own requests by a unique marker in the prompt.
 */

/** One request as `GET /__stub/requests` returns it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** True once the client closed the connection before the answer was complete (a cancelled call). */
  closedEarly?: boolean;
}

interface LogEntry {
  request: RecordedRequest;
  promptTexts: string[];
}

/** A bounded log of completions requests, oldest dropped first. */
export interface RequestLog {
  record(request: RecordedRequest, promptTexts: readonly string[]): void;
  /** Requests whose prompt (any prompt of an array) contains `marker`, oldest first; all when empty. */
  find(marker: string): RecordedRequest[];
}

/**
 * Creates an empty log keeping at most `capacity` requests.
 *
 * @example
 * const log = createRequestLog(5000);
 * log.record({ method: "POST", path: "/v1/completions", headers: {}, body }, ["Q: hi [t-1a2b]"]);
 * log.find("[t-1a2b]"); // [that request]
 */
export function createRequestLog(capacity: number): RequestLog {
  const entries: LogEntry[] = [];
  return {
    record(request, promptTexts) {
      entries.push({ request, promptTexts: [...promptTexts] });
      if (entries.length > capacity) entries.splice(0, entries.length - capacity);
    },
    find(marker) {
      return entries
        .filter((entry) => marker === "" || entry.promptTexts.some((text) => text.includes(marker)))
        .map((entry) => entry.request);
    },
  };
}
