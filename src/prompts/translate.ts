import { z } from "@hono/zod-openapi";
import { ApiError } from "../errors/api-error";
import { inputTooLong, noteTruncation, packPrompt } from "./fit";
import { nonEmptyText } from "./fields";
import { firstLine, firstSentences } from "./sentences";
import { defaultExamples, type TranslationPair } from "./translate-examples";
import { TEMPLATE_VERSION, type TaskModule, type Truncation } from "./types";

const languageCode = (description: string) =>
  z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: "must be a language code such as 'en' or 'fr'" })
    .openapi({ description });

const pair = z
  .object({
    source: nonEmptyText("A sentence in the source language."),
    target: nonEmptyText("Its translation."),
  })
  .strict()
  .openapi("TranslateExample");

const input = z
  .object({
    text: nonEmptyText("The sentence to translate."),
    from: languageCode("Source language code, e.g. 'en' (compared lower-cased)."),
    to: languageCode("Target language code, e.g. 'fr' (compared lower-cased)."),
    examples: z
      .array(pair)
      .min(1)
      .optional()
      .openapi({ description: "Seed pairs, in order; required unless translating between English and French." }),
  })
  .openapi("TranslateInput");

const output = z
  .object({ translation: z.string().openapi({ description: "The first sentence of the first generated line." }) })
  .openapi("TranslateOutput");

type Input = z.infer<typeof input>;
type Output = z.infer<typeof output>;

// One pair per line is the whole format, so any line break inside a field would break it.
function toOneLine(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}

function pickExamples(value: Input): readonly TranslationPair[] {
  const from = value.from.toLowerCase();
  const to = value.to.toLowerCase();
  if (from === to) throw new ApiError("invalid_request", `'from' and 'to' are both '${from}'`, { path: ["to"] });
  const examples = value.examples ?? defaultExamples(from, to);
  if (!examples) {
    throw new ApiError("invalid_request", `no built-in examples for ${from} → ${to}; pass 'examples'`, { path: ["examples"] });
  }
  return examples;
}

/**
 * WMT-14 style translation (paper, section 3.7): seed pairs
 * `{source} = {target}` one per line, then `{text} =`, greedy up to the first
 * newline; keep the first generated sentence. English ↔ French pairs ship;
 * other language pairs need `examples`.
 *
 * @example
 * translateTask.build({ text: "I like cheese.", from: "en", to: "fr", examples: [{ source: "Hello.", target: "Bonjour." }] }, ctx).prompt;
 * // "Hello. = Bonjour.\nI like cheese. ="
 */
export const translateTask: TaskModule<Input, Output> = {
  name: "translate",
  description: "Translate a sentence, seeded with `source = target` example pairs.",
  template: { id: TEMPLATE_VERSION, source: "paper", format: "{examples[i].source} = {examples[i].target}\\n ... {text} =" },
  input,
  output,
  example: { text: "The museum opens at nine o'clock.", from: "en", to: "fr" },
  decoding: { strategy: "greedy", maxTokens: 64, stop: ["\n"] },
  build(value, ctx) {
    const truncation: Truncation[] = [];
    const lines = pickExamples(value).map((example) => `${toOneLine(example.source)} = ${toOneLine(example.target)}\n`);
    const query = `${toOneLine(value.text)} =`;
    const budget = ctx.contextTokens - ctx.decoding.maxTokens;
    const packed = packPrompt(ctx.tokenizer, lines, budget, (kept) => kept.join("") + query);
    if (!packed) throw inputTooLong("text", ctx.contextTokens, ctx.decoding.maxTokens);
    noteTruncation(truncation, "examples", packed.dropped, "items");
    return { kind: "generate", prompt: packed.items.join("") + query, decoding: ctx.decoding, truncation };
  },
  postprocess(result) {
    if (result.kind !== "generate") throw new TypeError("translate expects a generation");
    return { translation: firstSentences(firstLine(result.generation.text), 1) };
  },
};
