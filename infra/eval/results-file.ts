import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ExampleRecord } from "./eval-types";

/** What a results file was started for; a resumed run must match it. */
export interface RunHeader {
  suite: string;
  data: string;
  backend: string;
  model_size: string;
  limit: number | null;
}

/** An example that could not run (the router refused it): kept so a resume does not retry it forever. */
export interface FailedRecord {
  id: string;
  error: string;
}

export type ResultLine = ExampleRecord | FailedRecord;

/**
 * Opens a results JSONL file for appending: creates it with its header, or
 * reads back the records of an interrupted run with the same header so the
 * run resumes where it stopped. A different header is an error, not a merge.
 *
 * @example
 * const file = await openResults("eval-out/lambada.results.jsonl", header); file.done.size; // 120
 */
export async function openResults(path: string, header: RunHeader) {
  const done = new Map<string, ResultLine>();
  const existing = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing === undefined) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify({ header })}\n`);
  } else {
    // A line cut short by the interruption is dropped, its example runs again, and appends start on a fresh line.
    const complete = existing.slice(0, existing.lastIndexOf("\n") + 1);
    if (complete.length < existing.length) await writeFile(path, complete);
    const [first, ...lines] = complete.split("\n");
    const found = JSON.parse(first ?? "{}").header as RunHeader | undefined;
    if (JSON.stringify(found) !== JSON.stringify(header)) {
      throw new Error(`${path} holds another run (${JSON.stringify(found)}); use another --out or delete it`);
    }
    for (const line of lines) {
      const record = parseLine(line);
      if (record) done.set(record.id, record);
    }
  }
  return {
    done,
    async append(record: ResultLine): Promise<void> {
      done.set(record.id, record);
      await appendFile(path, `${JSON.stringify(record)}\n`);
    },
  };
}

function parseLine(line: string): ResultLine | undefined {
  if (line.trim() === "") return undefined;
  try {
    const record = JSON.parse(line) as ResultLine;
    return typeof record.id === "string" ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a results line is an example that ran.
 *
 * @example
 * records.filter(isExampleRecord);
 */
export function isExampleRecord(line: ResultLine): line is ExampleRecord {
  return "values" in line;
}
