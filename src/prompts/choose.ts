import { z } from "@hono/zod-openapi";
import { ApiError } from "../errors/api-error";
import type { ScoreRequest } from "../model/backend";
import { END_OF_TEXT } from "../model/tokenizer";
import { countRequest, fitMeasured, inputTooLong, noteTruncation } from "./fit";
import { nonEmptyText } from "./fields";
import { TEMPLATE_VERSION, type TaskModule, type Truncation } from "./types";

// Three or more underscores make one blank, so "____" is not read as a blank plus "_".
const BLANK = /_{3,}/;

const input = z
  .object({
    text: nonEmptyText("The text with exactly one blank written as ___.")
      .refine((text) => text.split(BLANK).length === 2, { message: "must contain exactly one blank '___'" })
      .openapi({ description: "The text with exactly one blank written as ___." }),
    candidates: z
      .array(nonEmptyText("A candidate for the blank."))
      .min(2)
      .openapi({ description: "The candidates to fill the blank with (at least 2)." }),
    mode: z.enum(["full", "partial"]).optional().openapi({
      description:
        "full (default, Children's Book Test): score candidate plus the rest of the text; partial (Winograd): score only the text after the candidate.",
    }),
  })
  .openapi("ChooseInput");

const ranked = z
  .object({
    candidate: z.string(),
    logprob: z.number().openapi({ description: "Summed log-probability of the scored tokens." }),
    probability: z.number().openapi({ description: "Softmax of the summed log-probabilities over the candidates." }),
  })
  .openapi("ChooseRanking");

const output = z
  .object({
    choice: z.string().openapi({ description: "The most likely candidate." }),
    ranking: z.array(ranked).openapi({ description: "All candidates, most likely first." }),
  })
  .openapi("ChooseOutput");

type Input = z.infer<typeof input>;
type Output = z.infer<typeof output>;

/** The text cut at the blank: a shared `prefix` (the truncatable part) and how to turn it into requests. */
interface Split {
  prefix: string;
  toRequests(prefix: string): ScoreRequest[];
}

function splitAtBlank(value: Input): Split {
  const [before = "", after = ""] = value.text.split(BLANK);
  const candidates = value.candidates.map((candidate) => candidate.trim());
  if (value.mode === "partial") {
    if (after.trim() === "") {
      throw new ApiError("invalid_request", "partial scoring needs text after the blank", { path: ["text"] });
    }
    return { prefix: before, toRequests: (prefix) => candidates.map((c) => ({ context: prefix + c, continuation: after })) };
  }
  const head = before.trimEnd();
  if (head.trim() === "") {
    return { prefix: "", toRequests: () => candidates.map((c) => ({ context: END_OF_TEXT, continuation: c + after })) };
  }
  // GPT-2 tokens carry their leading space, so the space before the blank belongs to the candidate.
  const gap = head.length < before.length ? " " : "";
  return { prefix: head, toRequests: (prefix) => candidates.map((c) => ({ context: prefix, continuation: gap + c + after })) };
}

function rank(candidates: readonly string[], logprobs: readonly number[]): Output["ranking"] {
  const top = Math.max(...logprobs);
  const weights = logprobs.map((logprob) => Math.exp(logprob - top));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return candidates
    .map((candidate, index) => ({ candidate, logprob: logprobs[index] ?? 0, probability: (weights[index] ?? 0) / total }))
    .sort((a, b) => b.logprob - a.logprob);
}

/**
 * Fill-in-the-blank by likelihood (paper, sections 3.2 and 3.4). Full
 * scoring (Children's Book Test) scores each candidate plus the rest of the
 * text after the text before the blank; partial scoring (Winograd) puts the
 * candidate into the context and scores only the text after it. One score
 * request per candidate; the text before the blank is cut, keeping its end,
 * so the longest request fits.
 *
 * @example
 * chooseTask.build({ text: "The cat sat on the ___.", candidates: ["mat", "moon"] }, ctx).requests;
 * // [{ context: "The cat sat on the", continuation: " mat." }, { context: "The cat sat on the", continuation: " moon." }]
 */
export const chooseTask: TaskModule<Input, Output> = {
  name: "choose",
  description: "Pick the candidate that best fills a blank, by log-likelihood (full or partial scoring).",
  template: {
    id: TEMPLATE_VERSION,
    source: "paper",
    format: "full: {before} | {candidate}{after}; partial: {before}{candidate} | {after} (context | scored continuation)",
  },
  input,
  output,
  example: {
    text: "The trophy doesn't fit into the brown suitcase because ___ is too large.",
    candidates: ["the trophy", "the suitcase"],
    mode: "partial",
  },
  decoding: null,
  confidence: "top_probability",
  build(value, ctx) {
    if (value.candidates.length > ctx.maxCandidates) {
      throw new ApiError("invalid_request", `at most ${ctx.maxCandidates} candidates are allowed`, {
        path: ["candidates"],
        limit: ctx.maxCandidates,
      });
    }
    const truncation: Truncation[] = [];
    const split = splitAtBlank(value);
    // vLLM's echo scoring generates one token beyond the prompt.
    const budget = ctx.contextTokens - 1;
    const measure = (prefix: string) => Math.max(...split.toRequests(prefix).map((r) => countRequest(ctx.tokenizer, r)));
    const prefix = fitMeasured(ctx.tokenizer, split.prefix, "end", budget, measure);
    if (!prefix) throw inputTooLong("text", ctx.contextTokens, 1);
    noteTruncation(truncation, "text", prefix.dropped, "tokens");
    return { kind: "score", requests: split.toRequests(prefix.text), truncation };
  },
  postprocess(result, value) {
    if (result.kind !== "score") throw new TypeError("choose expects scores");
    if (result.scores.length !== value.candidates.length) throw new TypeError("choose expects one score per candidate");
    const ranking = rank(
      value.candidates,
      result.scores.map((score) => score.logprob),
    );
    return { choice: ranking[0]?.candidate ?? "", ranking };
  },
};
