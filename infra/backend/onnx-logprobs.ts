import type { Gpt2Runner } from "../../src/model/edge/gpt2-runner";
import { logSumExp, topIds } from "../../src/model/edge/sample-token";
import type { ScoredToken } from "./engine";

/**
 * Logprobs the way vLLM reports them, from one position's raw logits: vLLM's
 * default `logprobs_mode` is the model's own distribution, before
 * temperature, top-k or top-p reshape it for sampling.
 */

/** Token id to the text vLLM writes for it in `logprobs`. */
export type TokenText = (id: number) => string;

/**
 * A token's logprob at one position and, when `alternatives` is a number,
 * its top list: the token itself first, then the `alternatives` most likely
 * tokens (which may repeat it), as vLLM lists them. -1 means the whole vocabulary.
 *
 * @example
 * describeTokenLogprob(logits, 464, 2, gpt2TokenText); // { logprob: -3.2, top: { " The": -3.2, ",": -1.1, ".": -1.4 } }
 */
export function describeTokenLogprob(logits: Float32Array, id: number, alternatives: number | null, tokenText: TokenText): ScoredToken {
  const logSum = logSumExp(logits);
  const logprob = (logits[id] as number) - logSum;
  if (alternatives === null) return { logprob };
  const top: Record<string, number> = { [tokenText(id)]: logprob };
  const count = alternatives < 0 ? logits.length : alternatives;
  // Distinct ids can share a text (partial UTF-8 is U+FFFD); vLLM's dict keeps the first too.
  for (const other of count > 0 ? topIds(logits, count) : []) top[tokenText(other)] ??= (logits[other] as number) - logSum;
  return { logprob, top };
}

/**
 * Scores every prompt token against the tokens before it in one pass over the
 * prompt (echo): entry 0 is null, as in vLLM, and the last token is not fed
 * because its logits predict nothing in the prompt.
 *
 * @example
 * await scorePromptTokens(runner, [50256, 464, 3797], 1, gpt2TokenText); // [null, { logprob, top }, { logprob, top }]
 */
export async function scorePromptTokens(
  runner: Gpt2Runner,
  promptIds: readonly number[],
  alternatives: number | null,
  tokenText: TokenText,
): Promise<Array<ScoredToken | null>> {
  const scored: Array<ScoredToken | null> = [null];
  await runner.feed(promptIds.slice(0, -1), undefined, (position, logits) => {
    scored.push(describeTokenLogprob(logits, promptIds[position + 1] as number, alternatives, tokenText));
  });
  return scored;
}
