import { join } from "node:path";
import type { CallTask, ExampleRecord, RunConfig, Suite } from "./eval-types";
import { createProgressBar } from "./progress-bar";
import { isExampleRecord, openResults } from "./results-file";
import { TaskRefused } from "./router-client";
import { sampleExamples } from "./sample-examples";

/** What a finished (or resumed-to-the-end) run holds. */
export interface SuiteRun {
  records: ExampleRecord[];
  failed: Array<{ id: string; error: string }>;
  resumed: number;
  resultsPath: string;
}

/**
 * Runs a suite's examples through the router: samples `--limit` of them,
 * skips those an earlier interrupted run already recorded, sends the rest
 * `--concurrency` at a time, and appends each example's record to
 * `{out}/{suite}.results.jsonl` the moment it is done. An example the router
 * refuses (a 4xx) is recorded as failed; transport failures stop the run.
 *
 * @example
 * const run = await runSuite(lambadaSuite, "lambada_test.jsonl", config, createTaskCaller(config));
 */
export async function runSuite(suite: Suite, dataPath: string, config: RunConfig, callTask: CallTask, quiet = false): Promise<SuiteRun> {
  const examples = sampleExamples(await suite.parse(dataPath), config.limit);
  const resultsPath = join(config.outDir, `${suite.name}.results.jsonl`);
  const header = { suite: suite.name, data: dataPath, backend: config.backend, model_size: config.modelSize, limit: config.limit ?? null };
  const results = await openResults(resultsPath, header);
  const wanted = new Set(examples.map((entry) => entry.id));
  const resumed = [...results.done.keys()].filter((id) => wanted.has(id)).length;
  const todo = examples.filter((entry) => !results.done.has(entry.id));
  const bar = quiet ? undefined : createProgressBar(todo.length, suite.name);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const entry = todo[next++];
      if (!entry) return;
      try {
        await results.append({ id: entry.id, ...(await suite.run(entry.example, callTask, config)) });
      } catch (error) {
        if (!(error instanceof TaskRefused)) throw error;
        await results.append({ id: entry.id, error: error.message });
      }
      bar?.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, config.concurrency) }, worker));
  bar?.done();
  const lines = examples.map((entry) => results.done.get(entry.id)).filter((line) => line !== undefined);
  return {
    records: lines.filter(isExampleRecord),
    failed: lines.filter((line) => !isExampleRecord(line)) as SuiteRun["failed"],
    resumed,
    resultsPath,
  };
}
