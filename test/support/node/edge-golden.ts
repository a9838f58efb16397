import { loadModelFile } from "../../../infra/edge/load-model-file";
import { generateIds } from "../../../src/model/edge/generate-ids";
import { scoreIds } from "../../../src/model/edge/score-ids";
import { END_OF_TEXT_ID, gpt2Tokenizer } from "../../../src/model/tokenizer";

import type { EdgeGolden } from "../edge-golden";

const PROMPTS = ["Q: What is the capital of France?\nA:", "The quick brown fox", "Once upon a time, in a land far away,"];
const SCORED = "The cat sat on the mat.";

/**
 * Runs the edge engine in Node (onnxruntime-web's Node build) on the model
 * file, so the workerd tests can check they get the same tokens and scores.
 *
 * @example
 * tsx test/support/node/edge-golden.ts models/tiny/decoder_model_merged.onnx  # prints JSON
 */
export async function computeEdgeGolden(modelPath: string): Promise<EdgeGolden> {
  const { runner } = await loadModelFile(modelPath);
  const greedy: EdgeGolden["greedy"] = [];
  for (const prompt of PROMPTS) {
    const out = await generateIds(
      runner,
      gpt2Tokenizer.encode(prompt),
      { strategy: "greedy", maxTokens: 12 },
      {
        eosTokenId: END_OF_TEXT_ID,
        decode: gpt2Tokenizer.decode,
      },
    );
    greedy.push({ prompt, maxTokens: 12, ids: out.ids, text: out.text });
  }
  const ids = [END_OF_TEXT_ID, ...gpt2Tokenizer.encode(SCORED)];
  const [logprobs = []] = await scoreIds(runner, [{ ids, from: 1 }]);
  return { greedy, score: { text: SCORED, logprob: logprobs.reduce((sum, value) => sum + value, 0), tokens: logprobs.length } };
}

// Run as a script by the global setup: ORT's Node build finds its wasm glue
// through import.meta.url, which vitest's in-process module runner rewrites.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await computeEdgeGolden(process.argv[2] as string)));
}
