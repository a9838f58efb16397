/** One line of a byte stream: where it starts and ends in the stream, and its text unless it was too long to keep. */
export interface StreamLine {
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just past its terminator (`\n`), or the stream's end for an unterminated last line. */
  end: number;
  /** The line without `\r\n`/`\n`, decoded as UTF-8; absent when it exceeded `maxLineBytes`. */
  text?: string;
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;

/**
 * Splits a byte stream into lines without holding more than one line (and
 * one incoming chunk) at a time. A line over `maxLineBytes` is yielded
 * without its text, and its bytes are dropped as they arrive, so one huge
 * line cannot exhaust memory. Blank lines are yielded; a stream that ends
 * with `\n` has no empty line after it.
 *
 * @example
 * for await (const line of splitLines(object.body, 262_144)) console.log(line.start, line.text);
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<StreamLine> {
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let lineStart = 0;
  let position = 0;
  const finish = (end: number): StreamLine => {
    const line: StreamLine = { start: lineStart, end };
    if (!tooLong) line.text = decodeLine(decoder, pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    lineStart = end;
    return line;
  };
  const keep = (bytes: Uint8Array) => {
    if (tooLong || bytes.byteLength === 0) return;
    if (pendingBytes + bytes.byteLength > maxLineBytes + 1) {
      tooLong = true;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(bytes);
    pendingBytes += bytes.byteLength;
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
      keep(chunk.subarray(from, at));
      yield finish(position + at + 1);
      from = at + 1;
    }
    // A copy: callers may reuse the chunk's buffer once we ask for the next one.
    keep(chunk.slice(from));
    position += chunk.byteLength;
  }
  if (position > lineStart) yield finish(position);
}

function decodeLine(decoder: TextDecoder, parts: Uint8Array[], total: number): string {
  let bytes = parts.length === 1 && parts[0] ? parts[0] : concatBytes(parts, total);
  if (bytes[bytes.byteLength - 1] === RETURN) bytes = bytes.subarray(0, -1);
  return decoder.decode(bytes);
}

/**
 * Joins byte arrays into one.
 *
 * @example
 * concatBytes([new Uint8Array([1]), new Uint8Array([2])], 2); // Uint8Array [1, 2]
 */
export function concatBytes(parts: Uint8Array[], total = parts.reduce((sum, part) => sum + part.byteLength, 0)): Uint8Array {
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined;
}
