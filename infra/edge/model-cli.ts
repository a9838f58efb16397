/**
 * Token-level debugging of GPT-2 ONNX models on the edge engine:
 *   npm run model -- generate --model <file.onnx> --ids 0,0,195,731 --max-tokens 6 [--greedy | --top-k 40 --seed 1]
 *   npm run model -- generate --model <file.onnx> --text "Hello" --max-tokens 6
 *   npm run model -- score --model <file.onnx> --ids 0,0,195,731 --from 2
 *   npm run model -- score --model <file.onnx> --context "The cat" --continuation " sat"
 * Prints JSON.
 */
import { parseArgs } from "node:util";
import type { Decoding } from "../../src/model/backend";
import { generateIds } from "../../src/model/edge/generate-ids";
import { scoreIds } from "../../src/model/edge/score-ids";
import { gpt2Tokenizer } from "../../src/model/tokenizer";
import { loadModelFile } from "./load-model-file";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: "string" },
    ids: { type: "string" },
    text: { type: "string" },
    context: { type: "string" },
    continuation: { type: "string" },
    from: { type: "string" },
    "max-tokens": { type: "string", default: "16" },
    greedy: { type: "boolean", default: false },
    temperature: { type: "string" },
    "top-k": { type: "string" },
    "top-p": { type: "string" },
    seed: { type: "string" },
  },
});

const command = positionals[0];
if ((command !== "generate" && command !== "score") || !values.model) {
  console.error("usage: npm run model -- generate|score --model <file.onnx> (--ids 1,2,3 | --text ...) [options]");
  process.exit(2);
}

const parseIds = (list: string): number[] => list.split(",").map((part) => Number.parseInt(part.trim(), 10));
const optionalNumber = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));

const model = await loadModelFile(values.model);
if (command === "generate") {
  const promptIds = values.ids ? parseIds(values.ids) : gpt2Tokenizer.encode(values.text ?? "");
  const sampling = !values.greedy && (values["top-k"] !== undefined || values["top-p"] !== undefined || values.temperature !== undefined);
  const decoding: Decoding = {
    strategy: sampling ? "sample" : "greedy",
    maxTokens: Number(values["max-tokens"]),
    temperature: optionalNumber(values.temperature),
    topK: optionalNumber(values["top-k"]),
    topP: optionalNumber(values["top-p"]),
    seed: optionalNumber(values.seed),
  };
  const out = await generateIds(model.runner, promptIds, decoding, { eosTokenId: model.eosTokenId, decode: gpt2Tokenizer.decode });
  console.log(JSON.stringify({ prompt_ids: promptIds, ids: out.ids, text: out.text, finish_reason: out.finishReason }));
} else {
  const ids = values.ids ? parseIds(values.ids) : gpt2Tokenizer.encode((values.context ?? "") + (values.continuation ?? ""));
  const from = values.from ? Number(values.from) : values.ids ? 1 : gpt2Tokenizer.count(values.context ?? "") || 1;
  const [logprobs = []] = await scoreIds(model.runner, [{ ids, from }]);
  const logprob = logprobs.reduce((sum, value) => sum + value, 0);
  console.log(JSON.stringify({ ids, from, logprobs, logprob }));
}
