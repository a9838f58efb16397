import { createExecutionContext, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/config/env";
import worker from "../../src/index";
import { testEnv } from "../batch/batch-client";

async function sha256(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function uploadRequest(content: Uint8Array, purpose = "batch"): Request {
  const form = new FormData();
  form.append("file", new File([content], "big.jsonl"));
  form.append("purpose", purpose);
  return new Request("http://router.test/v1/files", { method: "POST", body: form });
}

/** Deterministic JSONL-ish bytes: lines of varying length. */
function makeContent(bytes: number): Uint8Array {
  const content = new Uint8Array(bytes);
  for (let at = 0; at < bytes; at += 1) content[at] = at % 97 === 96 ? 0x0a : 0x61 + (at % 26);
  return content;
}

describe("POST /v1/files", () => {
  it("streams a file of several R2 parts into storage and back, byte for byte", async () => {
    // Over two 5 MiB parts plus a remainder: the multipart upload path.
    const content = makeContent(12 * 1024 * 1024 + 12_345);
    const response = await SELF.fetch(uploadRequest(content));
    expect(response.status).toBe(200);
    const file = await response.json<{ id: string; bytes: number }>();
    expect(file.bytes).toBe(content.byteLength);
    const download = await SELF.fetch(`http://router.test/v1/files/${file.id}/content`);
    expect(download.status).toBe(200);
    expect(await sha256(await download.arrayBuffer())).toBe(await sha256(content));
  });

  it("refuses a file over BATCH_MAX_BYTES with a 413, and keeps neither bytes nor record of it", async () => {
    const before = await testEnv.BATCHES!.list({ prefix: "files/" });
    const env = { ...testEnv, BATCH_MAX_BYTES: String(6 * 1024 * 1024) } as Env;
    const response = await worker.fetch(uploadRequest(makeContent(7 * 1024 * 1024)) as never, env, createExecutionContext());
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).error.type).toBe("payload_too_large");
    const after = await testEnv.BATCHES!.list({ prefix: "files/" });
    expect(after.objects.map((object) => object.key)).toEqual(before.objects.map((object) => object.key));
  });

  it("refuses a purpose other than batch and a body without a file part", async () => {
    const wrongPurpose = await SELF.fetch(uploadRequest(makeContent(10), "assistants"));
    expect(wrongPurpose.status).toBe(422);
    expect(((await wrongPurpose.json()) as any).error).toMatchObject({ type: "invalid_request", param: "purpose" });
    const form = new FormData();
    form.append("purpose", "batch");
    const noFile = await SELF.fetch(new Request("http://router.test/v1/files", { method: "POST", body: form }));
    expect(noFile.status).toBe(422);
    expect(((await noFile.json()) as any).error.param).toBe("file");
  });
});
