import { z } from "@hono/zod-openapi";
import { fitPrompt, inputTooLong, noteTruncation } from "./fit";
import { firstSentences } from "./sentences";
import { nonEmptyText } from "./fields";
import { TEMPLATE_VERSION, type TaskModule, type Truncation } from "./types";

const SUFFIX = "\nTL;DR:";

const input = z.object({ text: nonEmptyText("The article to summarize.") }).openapi("SummarizeInput");

const output = z
  .object({ summary: z.string().openapi({ description: "The first three generated sentences." }) })
  .openapi("SummarizeOutput");

type Input = z.infer<typeof input>;
type Output = z.infer<typeof output>;

/**
 * CNN/Daily Mail summarization: `{article}\nTL;DR:`, top-k 2 sampling for 100
 * tokens, keep the first 3 generated sentences (paper, section 3.6).
 *
 * @example
 * summarizeTask.build({ text: "Storms hit the coast..." }, ctx).prompt; // "Storms hit the coast...\nTL;DR:"
 */
export const summarizeTask: TaskModule<Input, Output> = {
  name: "summarize",
  description: "Summarize an article with the paper's TL;DR: prompt.",
  template: { id: TEMPLATE_VERSION, source: "paper", format: "{text}\\nTL;DR:" },
  input,
  output,
  example: { text: "The city council voted on Tuesday to expand the bike lane network. The plan adds 40 km of lanes by 2028." },
  decoding: { strategy: "sample", topK: 2, maxTokens: 100 },
  build(value, ctx) {
    const truncation: Truncation[] = [];
    const budget = ctx.contextTokens - ctx.decoding.maxTokens;
    const article = fitPrompt(ctx.tokenizer, value.text, "start", budget, (text) => text + SUFFIX);
    if (!article) throw inputTooLong("text", ctx.contextTokens, ctx.decoding.maxTokens);
    noteTruncation(truncation, "text", article.dropped, "tokens");
    return { kind: "generate", prompt: article.text + SUFFIX, decoding: ctx.decoding, truncation };
  },
  postprocess(result) {
    if (result.kind !== "generate") throw new TypeError("summarize expects a generation");
    return { summary: firstSentences(result.generation.text, 3) };
  },
};
