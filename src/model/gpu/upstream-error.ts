/**
 * The message of an error an OpenAI-compatible server sent, in a response
 * body or a stream event: vLLM `{ "error": { "message" } }` (older releases
 * `{ "object": "error", "message" }`), TGI `{ "error": "..." }`. Undefined
 * when `json` is not an error.
 *
 * @example
 * readUpstreamError({ error: { message: "model not found" } }); // "model not found"
 */
export function readUpstreamError(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const { error, object, message } = json as { error?: unknown; object?: unknown; message?: unknown };
  if (typeof error === "string") return error;
  if (typeof error === "object" && error !== null) return String((error as { message?: unknown }).message ?? JSON.stringify(error));
  return object === "error" && message !== undefined ? String(message) : undefined;
}

/**
 * What an error status's body says: the server's message when it is one of
 * the shapes above, otherwise the start of the raw text.
 *
 * @example
 * describeErrorBody('{"message":"overloaded","object":"error"}'); // "overloaded"
 */
export function describeErrorBody(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const message =
    readUpstreamError(json) ?? (typeof json === "object" && json !== null ? (json as { message?: unknown }).message : undefined);
  if (typeof message === "string" && message.length > 0) return message;
  return text.slice(0, 200) || "(empty body)";
}
