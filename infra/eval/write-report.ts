import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MetricResult, RunConfig, Suite } from "./eval-types";
import type { SuiteRun } from "./run-suite";

/** The report of one suite's run, as written to `{suite}.report.json`. */
export interface SuiteReport {
  suite: string;
  tasks: string[];
  router: string;
  backend: string;
  model_size: string;
  models: string[];
  templates: string[];
  examples_run: number;
  examples_failed: number;
  metrics: Array<MetricResult & { difference: number | null }>;
}

/**
 * Builds the suite's report: each metric beside the paper's figure for the
 * run's model size, the difference (ours minus the paper's), the examples
 * run, and which backends, models and templates answered.
 *
 * @example
 * const report = buildReport(suite, run, config);
 */
export function buildReport(suite: Suite, run: SuiteRun, config: RunConfig): SuiteReport {
  const distinct = (values: string[]) => [...new Set(values)].sort();
  const metrics = run.records.length > 0 ? suite.score(run.records, config.modelSize) : [];
  return {
    suite: suite.name,
    tasks: suite.tasks,
    router: config.router,
    backend: distinct(run.records.map((record) => record.backend)).join(", ") || config.backend,
    model_size: config.modelSize,
    models: distinct(run.records.map((record) => record.model)),
    templates: distinct(run.records.map((record) => record.template)),
    examples_run: run.records.length,
    examples_failed: run.failed.length,
    metrics: metrics.map((metric) => ({ ...metric, difference: metric.paper === null ? null : round(metric.score - metric.paper) })),
  };
}

/**
 * Writes `{suite}.report.json` and `{suite}.report.md` into the out dir; returns the Markdown.
 *
 * @example
 * console.log(await writeReport(report, "eval-out"));
 */
export async function writeReport(report: SuiteReport, outDir: string): Promise<string> {
  const markdown = formatMarkdown(report);
  await writeFile(join(outDir, `${report.suite}.report.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, `${report.suite}.report.md`), markdown);
  return markdown;
}

/**
 * The report as a Markdown table with its facts above it.
 *
 * @example
 * formatMarkdown(report).split("\n")[0]; // "## lambada"
 */
export function formatMarkdown(report: SuiteReport): string {
  const figure = (value: number | null) => (value === null ? "n/a" : String(round(value)));
  const rows = report.metrics.map(
    (m) =>
      `| ${m.metric} | ${figure(m.score)} | ${figure(m.paper)} | ${m.difference === null ? "n/a" : `${m.difference > 0 ? "+" : ""}${m.difference}`} | ${m.better} |`,
  );
  return [
    `## ${report.suite}`,
    "",
    `Router ${report.router}, backend ${report.backend}, model ${report.models.join(", ") || "n/a"}, paper column ${report.model_size}, template ${report.templates.join(", ") || "n/a"}.`,
    `Examples run: ${report.examples_run}${report.examples_failed > 0 ? ` (${report.examples_failed} refused by the router, not scored)` : ""}; tasks: ${report.tasks.join(", ")}.`,
    "",
    "| metric | router | paper | difference | better |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
