/**
 * `npm run key:new`: a fresh API key for the router, its SHA-256 digest (what
 * the `API_KEYS` secret lists, so the secret itself opens nothing), and how to
 * install it. The key is printed once and stored nowhere: hand it to the
 * caller and keep only the digest.
 *
 * @example
 * npm run key:new
 * // key:    zsr_Qm9vZ...
 * // digest: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
 */
import { createHash, randomBytes } from "node:crypto";

// The prefix makes a leaked key recognisable to secret scanners and people; 32
// random bytes (256 bits) are beyond guessing, so one fast hash suffices.
const PREFIX = "zsr_";
const RANDOM_BYTES = 32;

/** A new key: the prefix and 32 random bytes in base64url, which a Bearer token may carry as is. */
function createKey(): string {
  return PREFIX + randomBytes(RANDOM_BYTES).toString("base64url");
}

/** The lowercase hex SHA-256 of the key's UTF-8 bytes, as the Worker computes it. */
function digestKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

const key = createKey();
const digest = digestKey(key);

console.log(`key:    ${key}
digest: ${digest}

Give the key to its caller now; it is not stored anywhere. The router keeps only digests.

Accept it in production (API_KEYS replaces the whole list: keep the digests already in use, comma-separated):
  echo "${digest}" | npx wrangler secret put API_KEYS
  echo "<digests in use>,${digest}" | npx wrangler secret put API_KEYS

Accept it under wrangler dev / npm start: add this line to .dev.vars
  API_KEYS=${digest}

Call the router with it:
  curl -H "Authorization: Bearer ${key}" http://127.0.0.1:8787/v1/tasks`);
