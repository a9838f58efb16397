import { describe, expect, it } from "vitest";
import { splitLines, type StreamLine } from "../../src/files/split-lines";

const bytes = (text: string) => new TextEncoder().encode(text);

/** The text cut into pieces of `size` bytes, as a stream would deliver it. */
async function* pieces(text: string, size: number) {
  const all = bytes(text);
  for (let at = 0; at < all.byteLength; at += size) yield all.slice(at, at + size);
}

async function collect(text: string, size: number, maxLineBytes = 1000): Promise<StreamLine[]> {
  const lines: StreamLine[] = [];
  for await (const line of splitLines(pieces(text, size), maxLineBytes)) lines.push(line);
  return lines;
}

describe("splitLines", () => {
  const text = '{"a":1}\r\n\nélan ✓\n{"b":2}';

  it("yields each line with its byte range, whatever the chunk boundaries", async () => {
    const expected = [
      { start: 0, end: 9, text: '{"a":1}' },
      { start: 9, end: 10, text: "" },
      { start: 10, end: 20, text: "élan ✓" },
      { start: 20, end: 27, text: '{"b":2}' },
    ];
    for (const size of [1, 2, 3, 5, 7, 64]) expect(await collect(text, size)).toEqual(expected);
  });

  it("has no empty line after a final newline, and none for an empty stream", async () => {
    expect(await collect("x\n", 1)).toEqual([{ start: 0, end: 2, text: "x" }]);
    expect(await collect("", 4)).toEqual([]);
  });

  it("drops the text of a line over the limit but keeps its range and the lines after it", async () => {
    const long = "y".repeat(50);
    for (const size of [1, 4, 100]) {
      expect(await collect(`ok\n${long}\nafter\n`, size, 10)).toEqual([
        { start: 0, end: 3, text: "ok" },
        { start: 3, end: 54 },
        { start: 54, end: 60, text: "after" },
      ]);
    }
  });

  it("reads a range of a file exactly as the whole file's lines there", async () => {
    const file = Array.from({ length: 40 }, (_, i) => `line ${i} ${"z".repeat(i)}`).join("\n");
    const all = await collect(file, 16);
    const [from, to] = [all[10]!, all[19]!];
    const slice = new TextDecoder().decode(bytes(file).slice(from.start, to.end));
    expect((await collect(slice, 5)).map((line) => line.text)).toEqual(all.slice(10, 20).map((line) => line.text));
  });
});
