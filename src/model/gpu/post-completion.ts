import { BackendError } from "../../errors";
import { completionResponseSchema, type CompletionResponse } from "./wire";

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
 * way it can go wrong becomes a `BackendError`: a timeout (504), a refused or
 * reset connection, an error status, or a body that is not the expected shape
 * (502), with `details.retryable` saying whether trying again may help.
 *
 * @example
 * const response = await postCompletion(target, { model: "gpt2", prompt: "Hi", max_tokens: 4 });
 */
export function postCompletion(target: CompletionTarget, body: Record<string, unknown>, signal?: AbortSignal): Promise<CompletionResponse> {
  return sendCompletionRequest(target, body, signal, async (response) => parseCompletion(target.backendId, await response.text()));
}

/**
 * Sends the request and lets `read` consume the successful response, turning
 * failures into `BackendError`s as `postCompletion` documents. The timer
 * covers `read` too, since a body that stalls halfway is as bad as a stalled
 * connect. Errors that `read` throws as `BackendError` pass through.
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
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, target.timeoutMs);
  const onAbort = () => controller.abort();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener("abort", onAbort);
  try {
    const response = await target.fetch(target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    if (!response.ok) {
      const text = await response.text();
      throw new BackendError("backend_error", target.backendId, `HTTP ${response.status}: ${describeError(text)}`, {
        upstream_status: response.status,
        retryable: response.status === 429 || response.status >= 500,
      });
    }
    return await read(response, controller.signal);
  } catch (error) {
    // Checked first: once the timer fired, whatever broke (a cancelled read, a cut stream) broke because of it.
    if (timedOut) {
      throw new BackendError("backend_timeout", target.backendId, `no complete answer within ${target.timeoutMs} ms`, {
        retryable: true,
      });
    }
    if (error instanceof BackendError) throw error;
    if (signal?.aborted) throw new BackendError("backend_error", target.backendId, "request cancelled", { retryable: false });
    throw new BackendError("backend_error", target.backendId, `connection failed: ${(error as Error).message}`, {
      retryable: true,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Parses and checks a complete (non-streamed) response body.
 *
 * @example
 * parseCompletion("gpu", '{"choices":[{"index":0,"text":" hi","finish_reason":"stop"}]}');
 */
export function parseCompletion(backendId: string, text: string): CompletionResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackendError("backend_error", backendId, `malformed response: not JSON (${text.slice(0, 80)})`, {
      retryable: true,
    });
  }
  const parsed = completionResponseSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackendError(
      "backend_error",
      backendId,
      `malformed response: ${issue?.path.join(".") || "body"}: ${issue?.message}`,
      { retryable: true },
    );
  }
  return parsed.data;
}

/** vLLM answers `{ error: { message } }` (newer) or `{ message }` (older). */
function describeError(text: string): string {
  try {
    const json = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    const message = typeof json.error === "string" ? json.error : (json.error?.message ?? json.message);
    if (message) return message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200) || "(empty body)";
}
