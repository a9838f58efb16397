import { ApiError } from "../errors/api-error";
import { concatBytes } from "./split-lines";

/** One part of a `multipart/form-data` body: its form field name, file name, and content as it streams in. */
export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  /** The part's bytes; read it (or leave it) before asking for the next part. */
  body: AsyncIterable<Uint8Array>;
}

const MAX_HEADER_BYTES = 16 * 1024;
const encoder = new TextEncoder();

/**
 * Parses a `multipart/form-data` body as it arrives, yielding each part with
 * a streaming body, so a 200 MB file never sits in memory whole (maintained
 * parsers such as `@remix-run/multipart-parser` hand out buffered parts).
 * Malformed bodies are `invalid_request` errors.
 *
 * @example
 * for await (const part of readMultipart(request.body, readBoundary(type))) if (part.filename) await store(part.body);
 */
export async function* readMultipart(stream: ReadableStream<Uint8Array>, boundary: string): AsyncGenerator<MultipartPart> {
  const reader = new ByteReader(stream);
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  // The first delimiter may open the body, without the CRLF before it.
  await reader.skipPast(delimiter.subarray(2), true);
  while (true) {
    const after = await reader.take(2);
    if (after === "--") return;
    if (after !== "\r\n") throw malformed("expected a line break after a boundary");
    const part = parseHeaders(await reader.readUntil(encoder.encode("\r\n\r\n"), MAX_HEADER_BYTES));
    let done = false;
    const body = (async function* () {
      yield* reader.streamUntil(delimiter);
      done = true;
    })();
    yield { ...part, body };
    if (!done) for await (const _ of body);
  }
}

/**
 * The boundary of a `multipart/form-data` content type, or a 415/422.
 *
 * @example
 * readBoundary('multipart/form-data; boundary="xyz"'); // "xyz"
 */
export function readBoundary(contentType: string | undefined): string {
  const [type, ...params] = (contentType ?? "").split(";");
  if (type?.trim().toLowerCase() !== "multipart/form-data") {
    throw new ApiError("unsupported_media_type", "send the file as multipart/form-data with fields `file` and `purpose`");
  }
  for (const param of params) {
    const [key, ...value] = param.split("=");
    if (key?.trim().toLowerCase() === "boundary") {
      const boundary = value
        .join("=")
        .trim()
        .replace(/^"(.*)"$/, "$1");
      if (boundary.length > 0 && boundary.length <= 70) return boundary;
    }
  }
  throw malformed("the multipart content type has no usable boundary");
}

function parseHeaders(bytes: Uint8Array): Omit<MultipartPart, "body"> {
  const headers = new Map<string, string>();
  for (const line of new TextDecoder().decode(bytes).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get("content-disposition") ?? "";
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) throw malformed("a part has no Content-Disposition name");
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  return { name, filename, contentType: headers.get("content-type") };
}

function malformed(why: string): ApiError {
  return new ApiError("invalid_request", `malformed multipart body: ${why}`);
}

/** Reads a byte stream with look-ahead, keeping only the unread remainder. */
class ByteReader {
  private readonly source: ReadableStreamDefaultReader<Uint8Array>;
  private buffer: Uint8Array = new Uint8Array(0);
  private ended = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.source = stream.getReader();
  }

  async take(count: number): Promise<string> {
    while (this.buffer.byteLength < count && (await this.fill()));
    const taken = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return new TextDecoder().decode(taken);
  }

  /** Drops everything up to and including `marker` (the preamble before the first boundary). */
  async skipPast(marker: Uint8Array, atStartOnly: boolean): Promise<void> {
    for await (const _ of this.streamUntil(marker, atStartOnly ? marker.byteLength * 4 : Number.POSITIVE_INFINITY));
  }

  async readUntil(marker: Uint8Array, limit: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const part of this.streamUntil(marker, limit)) parts.push(part.slice());
    return concatBytes(parts);
  }

  /** Yields bytes up to `marker`, consuming the marker; more than `limit` bytes before it is malformed. */
  async *streamUntil(marker: Uint8Array, limit = Number.POSITIVE_INFINITY): AsyncGenerator<Uint8Array> {
    let passed = 0;
    while (true) {
      const at = indexOfBytes(this.buffer, marker);
      if (at !== -1) {
        if (passed + at > limit) throw malformed("a part header or preamble is too long");
        if (at > 0) yield this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + marker.byteLength);
        return;
      }
      // Keep a tail that could be the start of a marker split across reads.
      const safe = Math.max(0, this.buffer.byteLength - marker.byteLength + 1);
      if (safe > 0) {
        passed += safe;
        if (passed > limit) throw malformed("a part header or preamble is too long");
        yield this.buffer.subarray(0, safe);
        this.buffer = this.buffer.subarray(safe);
      }
      if (!(await this.fill())) throw malformed("the body ended before its closing boundary");
    }
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const { done, value } = await this.source.read();
    if (done) {
      this.ended = true;
      return false;
    }
    this.buffer = this.buffer.byteLength === 0 ? value : concatBytes([this.buffer, value]);
    return true;
  }
}

/** First index of `marker` in `bytes`, found by its first byte (native `indexOf`) then compared. */
function indexOfBytes(bytes: Uint8Array, marker: Uint8Array): number {
  const first = marker[0] ?? 0;
  for (let at = bytes.indexOf(first); at !== -1 && at + marker.byteLength <= bytes.byteLength; at = bytes.indexOf(first, at + 1)) {
    let index = 1;
    while (index < marker.byteLength && bytes[at + index] === marker[index]) index += 1;
    if (index === marker.byteLength) return at;
  }
  return -1;
}
