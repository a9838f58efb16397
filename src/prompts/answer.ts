import { z } from "@hono/zod-openapi";
import { DEFAULT_QA_EXAMPLES, type QaPair } from "./answer-examples";
import { inputTooLong, noteTruncation, packPrompt } from "./fit";
import { nonEmptyText, toSingleLine } from "./fields";
import { firstLine } from "./sentences";
import { TEMPLATE_VERSION, type TaskModule, type Truncation } from "./types";

const pair = z
  .object({
    question: nonEmptyText("An example question."),
    answer: nonEmptyText("Its answer."),
  })
  .strict()
  .openapi("AnswerExample");

const input = z
  .object({
    question: nonEmptyText("The question to answer."),
    examples: z
      .array(pair)
      .min(1)
      .optional()
      .openapi({ description: "Question/answer pairs that seed the prompt, in order; defaults to built-in factual pairs." }),
  })
  .openapi("AnswerInput");

const output = z.object({ answer: z.string().openapi({ description: "The first generated line, trimmed." }) }).openapi("AnswerOutput");

type Input = z.infer<typeof input>;
type Output = z.infer<typeof output>;

// Each question and answer is one line of the format (see toSingleLine).
function formatPair(example: QaPair): string {
  return `Q: ${toSingleLine(example.question)}\nA: ${toSingleLine(example.answer)}\n\n`;
}

// Most requests use the built-in pairs, so they are formatted once.
const DEFAULT_PAIRS = DEFAULT_QA_EXAMPLES.map(formatPair);

/**
 * Natural Questions style answering: seed pairs `Q: {q}\nA: {a}\n\n`, then
 * `Q: {question}\nA:`, greedy for 32 tokens up to the first newline. The
 * paper only says it seeded the model with example pairs; this format is a
 * reconstruction. Seed pairs are packed in order while they fit. Questions
 * and answers are single lines of the format, so line breaks inside them
 * become spaces (`toSingleLine`): an input cannot forge a `Q:`/`A:` turn.
 *
 * @example
 * answerTask.build({ question: "who wrote hamlet", examples: [{ question: "capital of france", answer: "Paris" }] }, ctx).prompt;
 * // "Q: capital of france\nA: Paris\n\nQ: who wrote hamlet\nA:"
 */
export const answerTask: TaskModule<Input, Output> = {
  name: "answer",
  description: "Answer a factual question, seeded with example question/answer pairs.",
  template: {
    id: TEMPLATE_VERSION,
    source: "reconstruction",
    format: "Q: {examples[i].question}\\nA: {examples[i].answer}\\n\\n ... Q: {question}\\nA:",
  },
  input,
  output,
  example: { question: "who discovered penicillin" },
  decoding: { strategy: "greedy", maxTokens: 32, stop: ["\n"] },
  confidence: "mean_logprob",
  build(value, ctx) {
    const truncation: Truncation[] = [];
    const question = `Q: ${toSingleLine(value.question)}\nA:`;
    const examples = value.examples?.map(formatPair) ?? DEFAULT_PAIRS;
    const budget = ctx.contextTokens - ctx.decoding.maxTokens;
    const packed = packPrompt(ctx.tokenizer, examples, budget, (kept) => kept.join("") + question);
    if (!packed) throw inputTooLong("question", ctx.contextTokens, ctx.decoding.maxTokens);
    noteTruncation(truncation, "examples", packed.dropped, "items");
    return { kind: "generate", prompt: packed.items.join("") + question, decoding: ctx.decoding, truncation };
  },
  postprocess(result) {
    if (result.kind !== "generate") throw new TypeError("answer expects a generation");
    return { answer: firstLine(result.generation.text) };
  },
};
