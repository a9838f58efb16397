/** Paper model sizes; each has its own column in the paper's table. */
export type ModelSize = "117M" | "345M" | "762M" | "1542M";
export type BackendChoice = "auto" | "gpu" | "edge";

/** What every suite's run shares: where the router is and how to call it. */
export interface RunConfig {
  router: string;
  backend: BackendChoice;
  modelSize: ModelSize;
  apiKey?: string;
  /** Most examples to run, sampled deterministically; undefined runs them all. */
  limit?: number;
  concurrency: number;
  outDir: string;
}

/** One task request as a client sends it, and what the router answered. */
export interface TaskCall {
  task: string;
  body: Record<string, unknown>;
}

/** The fields of a task response the eval reads. */
export interface TaskReply {
  output: Record<string, unknown>;
  model: string;
  backend: string;
  template: { id: string; source: string };
}

/** Sends task requests to the router; suites see nothing else of HTTP. */
export type CallTask = (call: TaskCall) => Promise<TaskReply>;

/** What one example produced: the numbers its metric needs, and which model and template answered. */
export interface ExampleRecord {
  id: string;
  /** Suite-specific values, e.g. `{ correct: 1 }` or `{ hypothesis, reference }`. */
  values: Record<string, unknown>;
  model: string;
  backend: string;
  template: string;
}

/** One metric of a suite, as the report shows it. */
export interface MetricResult {
  metric: string;
  score: number;
  /** The paper's figure for the run's model size, when the paper gives one. */
  paper: number | null;
  /** Higher is better (accuracy), or lower (perplexity): how to read the difference. */
  better: "higher" | "lower";
}

/**
 * One benchmark: how to read its official file, how to turn an example into
 * task requests, and how to score the records. `run` may send several
 * requests (a CoQA story's turns, LAMBADA's three calls).
 */
export interface Suite<Example = unknown> {
  name: string;
  /** The task endpoints it drives, for the report. */
  tasks: string[];
  description: string;
  /** Where the official file comes from (README's data sources). */
  source: string;
  parse(path: string): Promise<Array<{ id: string; example: Example }>>;
  run(example: Example, callTask: CallTask, config: RunConfig): Promise<Omit<ExampleRecord, "id">>;
  score(records: ExampleRecord[], size: ModelSize): MetricResult[];
}

/**
 * An example's record from the reply that answered it and the values its metric needs.
 *
 * @example
 * return recordReply(reply, { correct: reply.output.word === target ? 1 : 0 });
 */
export function recordReply(reply: TaskReply, values: Record<string, unknown>): Omit<ExampleRecord, "id"> {
  return { values, model: reply.model, backend: reply.backend, template: reply.template.id };
}
