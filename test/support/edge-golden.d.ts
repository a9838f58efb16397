/** What the Node engine produced on the generated tiny model; workerd must reproduce it. */
export interface EdgeGolden {
  greedy: Array<{ prompt: string; maxTokens: number; ids: number[]; text: string }>;
  score: { text: string; logprob: number; tokens: number };
}

declare module "vitest" {
  export interface ProvidedContext {
    gpuBaseUrl: string;
    /** A second healthy stub server. */
    gpuBaseUrlB: string;
    /** A stub server for tests that set server-wide faults (`setFaults`); one test file at a time. */
    gpuBaseUrlFaulty: string;
    /** Server-wide faults for test/routes/routing.test.ts only. */
    gpuBaseUrlRouting: string;
    tinyModelPath: string;
    tinyFirstPassPath: string;
    edgeGolden: EdgeGolden;
    tinyQuantized: Record<"int8" | "q4", { path: string; golden: EdgeGolden }>;
    /** The same tiny models converted to ORT format (`npm run model:convert`). */
    tinyOrt: Record<"fp32" | "int8" | "q4", { path: string; golden: EdgeGolden }>;
  }
}
