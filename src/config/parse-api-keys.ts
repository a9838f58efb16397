import { ApiError } from "../errors/api-error";

const DIGEST_PATTERN = /^[0-9a-f]{64}$/i;

/**
 * Parses the `API_KEYS` secret: SHA-256 hex digests of the keys,
 * comma-separated (blank entries, such as a trailing comma, are skipped).
 * It lists digests, never keys, so the secret opens nothing if it leaks.
 * Set but unusable is a `config_error` rather than an open door; a bad entry
 * is named by position, since its text may be a real key pasted by mistake.
 * The deploy runs the same check before it stores the secret.
 *
 * @example
 * parseApiKeys(undefined); // [] (no keys: /v1 is open)
 * parseApiKeys(`${digestA}, ${digestB},`).length; // 2
 * parseApiKeys("zsr_abc"); // throws ApiError config_error "… entry 1 is not a SHA-256 hex digest …"
 */
export function parseApiKeys(raw: string | undefined): Uint8Array[] {
  if (raw === undefined) return [];
  const entries = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) throw new ApiError("config_error", "invalid configuration API_KEYS: no digests listed");
  return entries.map((entry, index) => {
    if (!DIGEST_PATTERN.test(entry)) {
      throw new ApiError(
        "config_error",
        `invalid configuration API_KEYS: entry ${index + 1} is not a SHA-256 hex digest (npm run key:new prints one)`,
      );
    }
    return Uint8Array.from(entry.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  });
}
