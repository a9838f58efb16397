import type { ChunkCounts } from "./batch-types";
import { batchKeys } from "./batch-store";

/** Which lines of a job's output to stream: all (in input order), the ok ones (output file) or the failed ones (error file). */
export type OutputSelection = "all" | "ok" | "failed";

/**
 * Streams a job's output lines chunk object by chunk object, in input
 * order, keeping the selected lines by each chunk's failed-line bitmap: one
 * chunk object is read at a time and no line is parsed, so a 200 MB output
 * never sits in memory.
 *
 * @example
 * return new Response(streamOutput(bucket, id, chunks, "ok"), { headers: { "content-type": "application/jsonl" } });
 */
export function streamOutput(
  bucket: R2Bucket,
  id: string,
  chunks: Map<number, ChunkCounts>,
  selection: OutputSelection,
): ReadableStream<Uint8Array> {
  const order = [...chunks.keys()].sort((a, b) => a - b).filter((chunk) => wanted(chunks.get(chunk), selection) !== "none");
  let next = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let filter: LineFilter | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (true) {
        if (!reader) {
          const chunk = order[next];
          if (chunk === undefined) return controller.close();
          next += 1;
          const object = await bucket.get(batchKeys.output(id, chunk));
          if (!object) continue;
          const counts = chunks.get(chunk);
          reader = object.body.getReader();
          filter = wanted(counts, selection) === "some" && counts ? new LineFilter(counts.failedLines, selection === "failed") : undefined;
        }
        const { done, value } = await reader.read();
        if (done) {
          reader = undefined;
          continue;
        }
        const kept = filter ? filter.keep(value) : [value];
        for (const piece of kept) controller.enqueue(piece);
        if (kept.length > 0) return;
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason);
    },
  });
}

function wanted(counts: ChunkCounts | undefined, selection: OutputSelection): "all" | "some" | "none" {
  if (!counts || selection === "all") return "all";
  const selected = selection === "ok" ? counts.completed : counts.failed;
  if (selected === 0) return "none";
  return selected === counts.completed + counts.failed ? "all" : "some";
}

/** Keeps the lines whose bit in the bitmap equals `keepFailed`, across arbitrary byte chunk boundaries. */
class LineFilter {
  private readonly bitmap: Uint8Array;
  private line = 0;

  constructor(
    hex: string,
    private readonly keepFailed: boolean,
  ) {
    this.bitmap = new Uint8Array((hex.match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16)));
  }

  keep(bytes: Uint8Array): Uint8Array[] {
    const kept: Uint8Array[] = [];
    let from = 0;
    while (from < bytes.byteLength) {
      const newline = bytes.indexOf(0x0a, from);
      const end = newline === -1 ? bytes.byteLength : newline + 1;
      if (this.isKept()) kept.push(bytes.subarray(from, end));
      if (newline !== -1) this.line += 1;
      from = end;
    }
    return kept;
  }

  private isKept(): boolean {
    const failed = ((this.bitmap[this.line >> 3] ?? 0) >> (this.line & 7)) & 1;
    return (failed === 1) === this.keepFailed;
  }
}
