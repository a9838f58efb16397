import { benchModel, type BenchModelOptions } from "./bench-model";

// One model per process (see edge-bench.ts): the options arrive as JSON in
// argv, the report leaves over the IPC channel.
const options = JSON.parse(process.argv[2] ?? "") as BenchModelOptions;
benchModel(options).then(
  (report) => process.send?.(report, () => process.exit(0)),
  (error: unknown) => {
    // Not rethrown: Node would print the minified ORT source line around the throw site.
    console.error(`[${options.name}] ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  },
);
