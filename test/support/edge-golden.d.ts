/** What the Node engine produced on the generated tiny model; workerd must reproduce it. */
export interface EdgeGolden {
  greedy: Array<{ prompt: string; maxTokens: number; ids: number[]; text: string }>;
  score: { text: string; logprob: number; tokens: number };
}

declare module "vitest" {
  export interface ProvidedContext {
    gpuBaseUrl: string;
    tinyModelPath: string;
    edgeGolden: EdgeGolden;
  }
}
