import { z } from "@hono/zod-openapi";
import type { Tokenizer } from "../model/tokenizer";
import { fitPrompt, inputTooLong, noteTruncation } from "./fit";
import { nonEmptyText, toSingleLine } from "./fields";
import { firstLine } from "./sentences";
import { TEMPLATE_VERSION, type TaskModule, type Truncation } from "./types";

const turn = z
  .object({
    question: nonEmptyText("An earlier question about the document."),
    answer: nonEmptyText("The answer it got."),
  })
  .strict()
  .openapi("ReadTurn");

const input = z
  .object({
    document: nonEmptyText("The passage the conversation is about."),
    history: z.array(turn).optional().openapi({ description: "Earlier question/answer turns, oldest first." }),
    question: nonEmptyText("The question to answer now."),
  })
  .openapi("ReadInput");

const output = z.object({ answer: z.string().openapi({ description: "The first generated line, trimmed." }) }).openapi("ReadOutput");

type Input = z.infer<typeof input>;
type Output = z.infer<typeof output>;

const SEPARATOR = "\n\n";

/**
 * Index of the oldest turn worth trying: the newest turns whose summed token
 * counts leave room for the question and one document token. Sums of parts
 * undercount the joined prompt, so this only skips turns that cannot fit.
 */
function findFirstTurn(tokenizer: Tokenizer, turns: readonly string[], room: number): number {
  let used = 0;
  for (let index = turns.length - 1; index >= 0; index -= 1) {
    used += tokenizer.count(turns[index] ?? "");
    if (used > room) return index + 1;
  }
  return 0;
}

/**
 * CoQA conversational reading comprehension in lm-evaluation-harness's
 * format `{document}\n\nQ: {q1}\n\nA: {a1}\n\nQ: {question}\n\nA:`, greedy
 * up to `\nQ:`, keep the first line (paper, section 3.5). To fit, the
 * document is cut (keeping its start) before any history turn is dropped
 * (oldest first); the question is never cut. Questions and answers are single
 * lines of the format, so line breaks inside them become spaces
 * (`toSingleLine`) and cannot forge a turn; the document is a passage and
 * keeps its lines.
 *
 * @example
 * readTask.build({ document: "Anna has a red bike.", question: "What color is it?" }, ctx).prompt;
 * // "Anna has a red bike.\n\nQ: What color is it?\n\nA:"
 */
export const readTask: TaskModule<Input, Output> = {
  name: "read",
  description: "Answer a question about a document, given the conversation so far (CoQA).",
  template: {
    id: TEMPLATE_VERSION,
    source: "paper",
    format: "{document}\\n\\nQ: {history[i].question}\\n\\nA: {history[i].answer}\\n\\n ... Q: {question}\\n\\nA:",
  },
  input,
  output,
  example: {
    document: "The Vikings reached Newfoundland around the year 1000. Their camp at L'Anse aux Meadows was rediscovered in 1960.",
    history: [{ question: "Where did the Vikings go?", answer: "Newfoundland" }],
    question: "When was their camp rediscovered?",
  },
  decoding: { strategy: "greedy", maxTokens: 32, stop: ["\nQ:"] },
  build(value, ctx) {
    const truncation: Truncation[] = [];
    const question = `Q: ${toSingleLine(value.question)}${SEPARATOR}A:`;
    const turns = (value.history ?? []).map(
      (item) => `Q: ${toSingleLine(item.question)}${SEPARATOR}A: ${toSingleLine(item.answer)}${SEPARATOR}`,
    );
    const budget = ctx.contextTokens - ctx.decoding.maxTokens;
    const room = budget - ctx.tokenizer.count(SEPARATOR + question) - 1;
    for (let first = findFirstTurn(ctx.tokenizer, turns, room); first <= turns.length; first += 1) {
      const tail = SEPARATOR + turns.slice(first).join("") + question;
      const document = fitPrompt(ctx.tokenizer, value.document, "start", budget, (text) => text + tail);
      if (!document) continue;
      noteTruncation(truncation, "document", document.dropped, "tokens");
      noteTruncation(truncation, "history", first, "items");
      return { kind: "generate", prompt: document.text + tail, decoding: ctx.decoding, truncation };
    }
    throw inputTooLong("question", ctx.contextTokens, ctx.decoding.maxTokens);
  },
  postprocess(result) {
    if (result.kind !== "generate") throw new TypeError("read expects a generation");
    return { answer: firstLine(result.generation.text) };
  },
};
