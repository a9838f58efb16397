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

/**
 * POSTs one `/v1/completions` request and returns the parsed response. Every
 * way it can go wrong becomes a `BackendError`: a timeout (504), a refused or
 * reset connection, an error status, or a body that is not the expected shape
 * (502). The timer covers reading the body too, since a stalled body is as
 * bad as a stalled connect.
 *
 * @example
 * const response = await postCompletion(target, { model: "gpt2", prompt: "Hi", max_tokens: 4 });
 */
export async function postCompletion(
  target: CompletionTarget,
  body: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<CompletionResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, target.timeoutMs);
  const onAbort = () => controller.abort();
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
    const text = await response.text();
    if (!response.ok) {
      throw new BackendError("backend_error", target.backendId, `HTTP ${response.status}: ${describeError(text)}`, {
        upstream_status: response.status,
      });
    }
    return parseCompletion(target.backendId, text);
  } catch (error) {
    if (error instanceof BackendError) throw error;
    if (timedOut) {
      throw new BackendError("backend_timeout", target.backendId, `no complete answer within ${target.timeoutMs} ms`);
    }
    if (signal?.aborted) throw new BackendError("backend_error", target.backendId, "request cancelled");
    throw new BackendError("backend_error", target.backendId, `connection failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

function parseCompletion(backendId: string, text: string): CompletionResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackendError("backend_error", backendId, `malformed response: not JSON (${text.slice(0, 80)})`);
  }
  const parsed = completionResponseSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackendError(
      "backend_error",
      backendId,
      `malformed response: ${issue?.path.join(".") || "body"}: ${issue?.message}`,
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
