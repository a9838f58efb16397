import { formatTaskResponse } from "../api/task-response";
import { describeError } from "../middleware/handle-error";
import type { PipelineDeps } from "../pipeline/create-pipeline-deps";
import type { RunOptions } from "../pipeline/run-options";
import { runTask, type TaskRun } from "../pipeline/run-task";
import type { TaskModule } from "../prompts/types";
import { createSseWriter, createStreamStart, respondWhenStarted } from "./sse-writer";

/**
 * Answers a task with `options.stream` as server-sent events: `delta`
 * events with pieces of the generated text as they come, then one `done`
 * event with the whole task response (post-processed output, usage, route),
 * or an `error` event if the backend fails after the first piece. The
 * response starts only once the first piece exists, so a run that fails
 * before that (every backend tried) still answers with its error status.
 *
 * @example
 * if (options.stream) return streamTaskRun(task, input, runOptions, deps, { includePrompt: false, started: Date.now() });
 */
export async function streamTaskRun(
  task: TaskModule,
  input: unknown,
  options: RunOptions,
  deps: PipelineDeps,
  format: { includePrompt: boolean; started: number; onDone?: (run: TaskRun) => void },
): Promise<Response> {
  const sse = createSseWriter();
  const stream = createStreamStart();
  const run = runTask(task, input, options, deps, (text, backend) => {
    stream.started(backend.id);
    sse.send({ text }, "delta");
  });
  return respondWhenStarted(
    sse,
    stream,
    run,
    (done) => {
      format.onDone?.(done);
      sse.send(formatTaskResponse(task, done, { includePrompt: format.includePrompt, totalMs: Date.now() - format.started }), "done");
    },
    (error) => sse.send(describeError(error).body, "error"),
  );
}
