import { describe, expect, it } from "vitest";
import { readBoundary, readMultipart } from "../../src/files/read-multipart";

const encoder = new TextEncoder();

function streamOf(body: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= body.byteLength) return controller.close();
      controller.enqueue(body.slice(at, at + size));
      at += size;
    },
  });
}

async function parse(body: Uint8Array, boundary: string, size: number) {
  const parts: Array<{ name: string; filename?: string; contentType?: string; text: string }> = [];
  for await (const part of readMultipart(streamOf(body, size), boundary)) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of part.body) chunks.push(chunk.slice());
    const text = new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
    parts.push({ name: part.name, filename: part.filename, contentType: part.contentType, text });
  }
  return parts;
}

describe("readMultipart", () => {
  it("parses what the platform's FormData serializes, whatever the chunk boundaries", async () => {
    // A file whose content holds CRLFs, dashes and a near-boundary, to tempt the delimiter search.
    const content = '{"x":1}\r\n--not-the-boundary\r\n\r\n-\r\n{"y":2}\n';
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new File([content], "in.jsonl", { type: "application/jsonl" }));
    const request = new Request("http://x/", { method: "POST", body: form });
    const boundary = readBoundary(request.headers.get("content-type") ?? undefined);
    const body = new Uint8Array(await request.arrayBuffer());
    for (const size of [1, 2, 3, 7, 64, body.byteLength]) {
      expect(await parse(body, boundary, size)).toEqual([
        { name: "purpose", filename: undefined, contentType: undefined, text: "batch" },
        { name: "file", filename: "in.jsonl", contentType: "application/jsonl", text: content },
      ]);
    }
  });

  it("skips a preamble and lets a caller leave a part unread", async () => {
    const body = encoder.encode(
      'preamble\r\n--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nAAA\r\n--b\r\nContent-Disposition: form-data; name="c"\r\n\r\nCCC\r\n--b--\r\n',
    );
    const names: string[] = [];
    for await (const part of readMultipart(streamOf(body, 3), "b")) names.push(part.name);
    expect(names).toEqual(["a", "c"]);
  });

  it("refuses truncated and malformed bodies with invalid_request", async () => {
    const truncated = encoder.encode('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nAAA');
    await expect(parse(truncated, "b", 4)).rejects.toMatchObject({ type: "invalid_request" });
    const nameless = encoder.encode("--b\r\nContent-Type: text/plain\r\n\r\nAAA\r\n--b--");
    await expect(parse(nameless, "b", 4)).rejects.toMatchObject({ type: "invalid_request" });
    const endless = encoder.encode(`--b\r\nX: ${"h".repeat(20_000)}`);
    await expect(parse(endless, "b", 1000)).rejects.toMatchObject({ type: "invalid_request" });
  });

  it("reads the boundary of a multipart content type, and refuses other types", () => {
    expect(readBoundary('multipart/form-data; boundary="a b"')).toBe("a b");
    expect(readBoundary("Multipart/Form-Data; charset=utf-8; boundary=xyz")).toBe("xyz");
    expect(() => readBoundary("application/json")).toThrow(expect.objectContaining({ type: "unsupported_media_type" }));
    expect(() => readBoundary("multipart/form-data")).toThrow(expect.objectContaining({ type: "invalid_request" }));
  });
});
