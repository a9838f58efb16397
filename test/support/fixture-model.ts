import { env } from "cloudflare:test";

/**
 * The independent fixture model (`test/fixtures/tiny-random-gpt2-ort/past.onnx`),
 * handed to the test Worker as a data blob binding by vitest.config.ts.
 *
 * @example
 * const session = await createSession(readFixtureModel());
 */
export function readFixtureModel(): Uint8Array {
  const bytes: unknown = Reflect.get(env, "ORT_FIXTURE_PAST_ONNX");
  if (!(bytes instanceof ArrayBuffer)) {
    throw new Error("ORT_FIXTURE_PAST_ONNX binding missing: see vitest.config.ts");
  }
  return new Uint8Array(bytes);
}
