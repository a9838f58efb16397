import { z } from "@hono/zod-openapi";
import { fitPrompt, inputTooLong, noteTruncation } from "./fit";
import { nonEmptyText } from "./fields";
import { TEMPLATE_VERSION, type TaskModule, type Truncation } from "./types";

const input = z.object({ prompt: nonEmptyText("The text to continue, sent as is.") }).openapi("GenerateInput");

const output = z
  .object({ text: z.string().openapi({ description: "The generated continuation, unprocessed." }) })
  .openapi("GenerateOutput");

type Input = z.infer<typeof input>;
type Output = z.infer<typeof output>;

/**
 * Plain continuation of a raw prompt with top-k 40 sampling, the setting of
 * the paper's published samples. A prompt past the context window keeps its
 * end, the part the continuation follows.
 *
 * @example
 * generateTask.build({ prompt: "In a shocking finding," }, ctx).prompt; // "In a shocking finding,"
 */
export const generateTask: TaskModule<Input, Output> = {
  name: "generate",
  description: "Continue a raw prompt (top-k 40 sampling by default).",
  template: { id: TEMPLATE_VERSION, source: "reconstruction", format: "{prompt}" },
  input,
  output,
  example: {
    prompt: "In a shocking finding, scientists discovered a herd of unicorns living in a remote, previously unexplored valley.",
  },
  decoding: { strategy: "sample", topK: 40, maxTokens: 64 },
  build(value, ctx) {
    const truncation: Truncation[] = [];
    const prompt = fitPrompt(ctx.tokenizer, value.prompt, "end", ctx.contextTokens - ctx.decoding.maxTokens, (text) => text);
    if (!prompt) throw inputTooLong("prompt", ctx.contextTokens, ctx.decoding.maxTokens);
    noteTruncation(truncation, "prompt", prompt.dropped, "tokens");
    return { kind: "generate", prompt: prompt.text, decoding: ctx.decoding, truncation };
  },
  postprocess(result) {
    if (result.kind !== "generate") throw new TypeError("generate expects a generation");
    return { text: result.generation.text };
  },
};
