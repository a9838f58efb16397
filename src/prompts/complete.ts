import { z } from "@hono/zod-openapi";
import { fitPrompt, inputTooLong, noteTruncation } from "./fit";
import { nonEmptyText } from "./fields";
import { isStopWord } from "./stopwords";
import { TEMPLATE_VERSION, type BuildContext, type FollowUp, type TaskModule, type Truncation } from "./types";

const input = z.object({ text: nonEmptyText("The passage without its last word.") }).openapi("CompleteInput");

const output = z
  .object({
    word: z.string().openapi({ description: "The predicted last word; empty when the model did not continue with a word." }),
  })
  .openapi("CompleteOutput");

type Input = z.infer<typeof input>;
type Output = z.infer<typeof output>;

const WORD = /^\s*([\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*)/u;
// An alternative must start a new word, not extend the passage's last token or add punctuation.
const STARTS_WORD = /^\s\p{L}/u;
const ALTERNATIVES = 10;
const FOLLOW_UP_TOKENS = 4;

/** The first whole word after optional leading whitespace, or "". */
function readWord(text: string): string {
  return WORD.exec(text)?.[1] ?? "";
}

function isFilterOn(ctx: BuildContext): boolean {
  return ctx.options.stopwordFilter ?? true;
}

function buildPrompt(value: Input, ctx: BuildContext): { prompt: string; truncation: Truncation[] } {
  const truncation: Truncation[] = [];
  const passage = fitPrompt(ctx.tokenizer, value.text.trimEnd(), "end", ctx.contextTokens - ctx.decoding.maxTokens, (text) => text);
  if (!passage) throw inputTooLong("text", ctx.contextTokens, ctx.decoding.maxTokens);
  noteTruncation(truncation, "text", passage.dropped, "tokens");
  return { prompt: passage.text, truncation };
}

/** The most likely first-position alternative that starts a non-stop word. */
function pickAlternative(alternatives: ReadonlyArray<{ token: string; logprob: number }> | undefined): string | undefined {
  const ranked = [...(alternatives ?? [])].sort((a, b) => b.logprob - a.logprob);
  return ranked.find(({ token }) => STARTS_WORD.test(token) && !isStopWord(readWord(token)))?.token;
}

function continueWith(token: string, value: Input, ctx: BuildContext): Output | FollowUp<Output> {
  const { prompt, truncation } = buildPrompt(value, ctx);
  const room = ctx.contextTokens - ctx.tokenizer.count(prompt + token);
  // A client that asked for a single new token leaves no room to finish the word.
  if (room < 1) return { word: readWord(token) };
  return {
    followUp: {
      kind: "generate",
      prompt: prompt + token,
      decoding: { strategy: "greedy", maxTokens: Math.min(FOLLOW_UP_TOKENS, room) },
      truncation,
    },
    finish(result) {
      if (result.kind !== "generate") throw new TypeError("complete expects a generation");
      return { word: readWord(token + result.generation.text) };
    },
  };
}

/**
 * LAMBADA last-word prediction (paper, section 3.3): the passage is the
 * prompt, greedy for 5 tokens, keep the first whole word. With the paper's
 * stop-word filter (on unless `options.stopwordFilter` is false) a stop word
 * is replaced by the best first-token alternative that starts a non-stop
 * word, completed by a short greedy follow-up generation.
 *
 * @example
 * completeTask.build({ text: "He lit the old oil " }, ctx).prompt; // "He lit the old oil"
 */
export const completeTask: TaskModule<Input, Output> = {
  name: "complete",
  description: "Predict the last word of a passage (LAMBADA), optionally with the paper's stop-word filter.",
  template: { id: TEMPLATE_VERSION, source: "paper", format: "{text}" },
  input,
  output,
  example: {
    text: "She fumbled in the dark until her fingers closed around the matches. With a shaking hand she lit the old oil",
  },
  decoding: { strategy: "greedy", maxTokens: 5 },
  confidence: "mean_logprob",
  build(value, ctx) {
    const { prompt, truncation } = buildPrompt(value, ctx);
    const decoding = isFilterOn(ctx) ? { ...ctx.decoding, topLogprobs: ALTERNATIVES } : ctx.decoding;
    return { kind: "generate", prompt, decoding, truncation };
  },
  postprocess(result, value, ctx) {
    if (result.kind !== "generate") throw new TypeError("complete expects a generation");
    const word = readWord(result.generation.text);
    if (!isFilterOn(ctx) || !isStopWord(word)) return { word };
    const token = pickAlternative(result.generation.topLogprobs?.[0]);
    return token === undefined ? { word } : continueWith(token, value, ctx);
  },
};
