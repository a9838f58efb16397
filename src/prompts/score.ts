import { z } from "@hono/zod-openapi";
import { END_OF_TEXT } from "../model/tokenizer";
import { countRequest, fitMeasured, fitPrompt, inputTooLong, noteTruncation } from "./fit";
import { nonEmptyText } from "./fields";
import { TEMPLATE_VERSION, type BuildContext, type ScorePlan, type TaskModule, type Truncation } from "./types";

const input = z
  .object({
    text: nonEmptyText("The text to score."),
    context: z.string().optional().openapi({
      description:
        "Text the scored text follows, conditioned on but not scored (a sliding window's overlap, a passage before its last word). Cut from its start to fit.",
    }),
  })
  .openapi("ScoreInput");

const output = z
  .object({
    logprob: z.number().openapi({ description: "Summed natural-log probability of every token of the scored text." }),
    tokens: z.number().int().openapi({ description: "How many tokens were scored." }),
    perplexity: z.number().openapi({ description: "exp(-logprob / tokens)." }),
    mean_logprob: z.number().openapi({ description: "logprob / tokens." }),
    bits_per_byte: z.number().openapi({ description: "-logprob / ln 2 / UTF-8 bytes of the scored text." }),
  })
  .openapi("ScoreOutput");

type Input = z.infer<typeof input>;
type Output = z.infer<typeof output>;

function buildPlan(value: Input, ctx: BuildContext): ScorePlan {
  const truncation: Truncation[] = [];
  // The end-of-text context lets the first token be scored too; vLLM's echo scoring generates one extra token.
  const budget = ctx.contextTokens - 1;
  const text = fitPrompt(ctx.tokenizer, value.text, "start", budget, (cut) => END_OF_TEXT + cut);
  if (!text) throw inputTooLong("text", ctx.contextTokens, 1);
  noteTruncation(truncation, "text", text.dropped, "tokens");
  if (!value.context) return { kind: "score", requests: [{ context: END_OF_TEXT, continuation: text.text }], truncation };
  // The scored text keeps its room; the context gets what is left, keeping its end, the part next to the text.
  const measure = (cut: string) => countRequest(ctx.tokenizer, { context: END_OF_TEXT + cut, continuation: text.text });
  const context = fitMeasured(ctx.tokenizer, value.context, "end", budget, measure, 0) ?? {
    text: "",
    dropped: ctx.tokenizer.count(value.context),
  };
  noteTruncation(truncation, "context", context.dropped, "tokens");
  return { kind: "score", requests: [{ context: END_OF_TEXT + context.text, continuation: text.text }], truncation };
}

/**
 * Language-model scoring (paper, section 3.1): the log-likelihood of every
 * token of the text after `<|endoftext|>` and the optional `context`, as
 * lm-evaluation-harness scores rolling log-likelihood (a window's overlap
 * goes in `context`), with perplexity and bits per byte. Text past the
 * context window is cut, keeping its start; then the context, keeping its end.
 *
 * @example
 * scoreTask.build({ text: "The quick brown fox." }, ctx).requests;
 * // [{ context: "<|endoftext|>", continuation: "The quick brown fox." }]
 */
export const scoreTask: TaskModule<Input, Output> = {
  name: "score",
  description: "Score a text: log-likelihood, perplexity and bits per byte.",
  template: { id: TEMPLATE_VERSION, source: "paper", format: "<|endoftext|>{context} | {text} (context | scored continuation)" },
  input,
  output,
  example: { text: "The Eiffel Tower was completed in 1889 for the World's Fair in Paris." },
  decoding: null,
  build: buildPlan,
  postprocess(result, value, ctx) {
    if (result.kind !== "score") throw new TypeError("score expects scores");
    const scored = result.scores[0];
    if (!scored || scored.tokens.length === 0) throw new TypeError("score expects at least one scored token");
    const [request] = buildPlan(value, ctx).requests;
    const bytes = new TextEncoder().encode(request?.continuation ?? "").length;
    const tokens = scored.tokens.length;
    return {
      logprob: scored.logprob,
      tokens,
      perplexity: Math.exp(-scored.logprob / tokens),
      mean_logprob: scored.logprob / tokens,
      bits_per_byte: -scored.logprob / Math.LN2 / bytes,
    };
  },
};
