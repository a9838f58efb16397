import { describeFirstIssue } from "../../errors/describe-issue";
import { APICallError, parseRetryAfter } from "../api-call-error";
import { describeErrorBody } from "./upstream-error";
import { completionResponseSchema, readPlainCompletion, type CompletionResponse } from "./wire";

/** Where and how to reach one OpenAI-compatible server. */
export interface CompletionTarget {
  backendId: string;
  url: string;
  apiKey?: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** Reads a successful response; `signal` fires when the request times out or is cancelled. */
export type ReadCompletion<T> = (response: Response, signal: AbortSignal) => Promise<T>;

/**
 * POSTs one `/v1/completions` request and returns the parsed response. Every
 * way it can go wrong becomes an `APICallError`: a timeout, a refused or
 * reset connection, an error status (with its headers, body and
 * `Retry-After`), or a body that is not the expected shape, with
 * `isRetryable` saying whether trying again may help (429 and 5xx, never
 * another 4xx).
 *
 * @example
 * const response = await postCompletion(target, { model: "gpt2", prompt: "Hi", max_tokens: 4 });
 */
export function postCompletion(target: CompletionTarget, body: Record<string, unknown>, signal?: AbortSignal): Promise<CompletionResponse> {
  return sendCompletionRequest(target, body, signal, async (response) => parseCompletion(target, await response.text()));
}

/**
 * Sends the request and lets `read` consume the successful response, turning
 * failures into `APICallError`s as `postCompletion` documents. The timeout
 * covers `read` too, since a body that stalls halfway is as bad as a stalled
 * connect. `APICallError`s that `read` throws pass through.
 *
 * @example
 * const text = await sendCompletionRequest(target, body, signal, (response) => response.text());
 */
export async function sendCompletionRequest<T>(
  target: CompletionTarget,
  body: Record<string, unknown>,
  signal: AbortSignal | undefined,
  read: ReadCompletion<T>,
): Promise<T> {
  // Runtime signals rather than a timer: under nodejs_compat a global setTimeout builds a Node
  // Timeout object in JS, and this runs once per upstream call.
  const timeout = AbortSignal.timeout(target.timeoutMs);
  const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
  try {
    const response = await target.fetch(target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: combined,
    });
    if (!response.ok) {
      const text = await response.text();
      throw new APICallError({
        backend: target.backendId,
        failure: "http",
        message: `HTTP ${response.status}: ${describeErrorBody(text)}`,
        url: target.url,
        statusCode: response.status,
        responseHeaders: Object.fromEntries(response.headers),
        responseBody: text,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), Date.now()),
        isRetryable: response.status === 408 || response.status === 429 || response.status >= 500,
      });
    }
    return await read(response, combined);
  } catch (error) {
    const failed = (failure: "timeout" | "cancelled" | "network", message: string, isRetryable: boolean) =>
      new APICallError({ backend: target.backendId, failure, message, url: target.url, isRetryable, cause: error });
    // Checked first: once the timeout fired, whatever broke (a cancelled read, a cut stream) broke because of it.
    if (timeout.aborted) throw failed("timeout", `no complete answer within ${target.timeoutMs} ms`, true);
    if (error instanceof APICallError) throw error;
    if (signal?.aborted) throw failed("cancelled", "request cancelled", false);
    throw failed("network", `connection failed: ${(error as Error).message}`, true);
  }
}

/**
 * Parses and checks a complete (non-streamed) response body.
 *
 * @example
 * parseCompletion(target, '{"choices":[{"index":0,"text":" hi","finish_reason":"stop"}]}');
 */
export function parseCompletion(target: Pick<CompletionTarget, "backendId" | "url">, text: string): CompletionResponse {
  const malformed = (message: string, cause?: unknown) =>
    new APICallError({
      backend: target.backendId,
      failure: "malformed",
      message: `malformed response: ${message}`,
      url: target.url,
      responseBody: text,
      isRetryable: true,
      cause,
    });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw malformed(`not JSON (${text.slice(0, 80)})`, error);
  }
  const plain = readPlainCompletion(json);
  if (plain) return plain;
  const parsed = completionResponseSchema.safeParse(json);
  if (!parsed.success) throw malformed(describeFirstIssue(parsed.error).message);
  return parsed.data;
}
