import { GREEDY_TEMPERATURE, type CompletionEngine, type GenerationParams, type GenerationResult, type ScoredToken } from "./engine";
import { runGeneration, type LoopVocabulary } from "./generation-loop";
import { detokenizeGpt2, END_OF_TEXT_ID, GPT2_VOCAB_SIZE, gpt2TokenText, tokenizeGpt2 } from "./gpt2-vocab";
import { findScriptRule, type ScriptRule } from "./script-rules";
import { mixTokens, stubTokenLogprob } from "./stub-logprob";

/**
 * A deterministic stand-in for GPT-2 behind the completions server: real
 * GPT-2 tokens, scripted or pseudo-random text, hash-based logprobs. Its
 * outputs mean nothing; they only have the shape and determinism tests need.
 */

/** The stub engine plus the test hook that scripts its answers. */
export interface ScriptedEngine extends CompletionEngine {
  addScript(rule: ScriptRule): void;
}

// Oldest rules are dropped past this, so a long-lived dev server stays small.
const MAX_RULES = 5000;
// Gap between consecutive alternatives in a stub top list.
const ALTERNATIVE_STEP = 0.5;

const WORDS = [" the", " model", " said", ".", "\n", " It", " was", " a", " of", " and", " to", " in", " is", ",", " that", " new"];
const WORD_IDS = WORDS.map((word) => {
  const [id, ...rest] = tokenizeGpt2(word);
  if (id === undefined || rest.length > 0) throw new Error(`stub word ${JSON.stringify(word)} is not one GPT-2 token`);
  return id;
});

const VOCABULARY: LoopVocabulary = { endOfTextId: END_OF_TEXT_ID, detokenize: detokenizeGpt2, tokenText: gpt2TokenText };

function hashIds(ids: readonly number[]): number {
  return ids.reduce((hash, id) => mixTokens(hash, id), ids.length);
}

/** mulberry32: small, fast and identical on every platform, unlike Math.random. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The stub pretends every emitted (or prompt) token was the model's favourite:
// it heads the list and the other words follow, each a bit less likely, so a
// greedy client's "argmax of the top list == the generated token" holds.
function describeStubTop(chosenId: number, chosenLogprob: number, previousId: number | undefined, count: number): Record<string, number> {
  const top: Record<string, number> = { [gpt2TokenText(chosenId)]: chosenLogprob };
  const others = WORD_IDS.filter((id) => id !== chosenId).sort((a, b) => mixTokens(previousId ?? 0, a) - mixTokens(previousId ?? 0, b));
  others.slice(0, Math.max(0, count - 1)).forEach((id, rank) => {
    top[gpt2TokenText(id)] = Math.round((chosenLogprob - ALTERNATIVE_STEP * (rank + 1)) * 1e6) / 1e6;
  });
  return top;
}

// vLLM reports the sampled token first, then the top `count` (which may
// repeat it, so the list holds count or count + 1 entries).
function describeScriptedTop(
  chosenText: string,
  chosenLogprob: number,
  scripted: Record<string, number>,
  count: number,
): Record<string, number> {
  const top: Record<string, number> = { [chosenText]: chosenLogprob };
  const ranked = Object.entries(scripted).sort(([, a], [, b]) => b - a);
  for (const [text, logprob] of ranked.slice(0, count)) top[text] ??= logprob;
  return top;
}

async function generateScripted(
  rules: readonly ScriptRule[],
  promptIds: readonly number[],
  params: GenerationParams,
): Promise<GenerationResult> {
  const rule = findScriptRule(rules, detokenizeGpt2(promptIds));
  const scriptedIds = rule ? tokenizeGpt2(rule.text) : [];
  const greedy = params.temperature < GREEDY_TEMPERATURE || params.topK === 1;
  const promptHash = hashIds(promptIds);
  const random = createRandom(greedy ? promptHash : mixTokens(mixTokens(promptHash, params.seed ?? 0), params.sampleIndex + 1));
  return runGeneration(params, VOCABULARY, (generatedIds) => {
    const position = generatedIds.length;
    const previousId = generatedIds.at(-1) ?? promptIds.at(-1);
    const id = rule ? (scriptedIds[position] ?? END_OF_TEXT_ID) : (WORD_IDS[Math.floor(random() * WORD_IDS.length)] ?? END_OF_TEXT_ID);
    const scriptedTop = rule?.top_logprobs?.[position];
    const text = gpt2TokenText(id);
    const logprob = scriptedTop?.[text] ?? stubTokenLogprob(previousId, id);
    if (params.logprobs === null) return { id, logprob };
    const top = scriptedTop
      ? describeScriptedTop(text, logprob, scriptedTop, params.logprobs)
      : describeStubTop(id, logprob, previousId, params.logprobs);
    return { id, logprob, top };
  });
}

/**
 * Creates the stub engine. Without a matching script it writes pseudo-text
 * from a few common words: greedy output depends on the prompt only, sampled
 * output on the prompt, `seed` (0 when absent) and the sequence index, and
 * it never ends before `max_tokens` or a stop string. A scripted text is
 * generated token by token and then ends with the end-of-text token, which
 * (as in vLLM) is counted in usage and listed in logprobs but not in the text;
 * an `<|endoftext|>` inside the script ends it early.
 *
 * @example
 * const engine = createScriptedEngine();
 * engine.addScript({ contains: "[t-1a2b]", text: " Paris<|endoftext|>" });
 * const server = await startCompletionsServer({ engine });
 */
export function createScriptedEngine(): ScriptedEngine {
  const rules: ScriptRule[] = [];
  return {
    vocabSize: GPT2_VOCAB_SIZE,
    tokenize: tokenizeGpt2,
    detokenize: detokenizeGpt2,
    tokenText: gpt2TokenText,
    addScript(rule) {
      rules.push(rule);
      if (rules.length > MAX_RULES) rules.shift();
    },
    generate: (promptIds, params) => generateScripted(rules, promptIds, params),
    async scorePrompt(promptIds, alternatives): Promise<Array<ScoredToken | null>> {
      return promptIds.map((id, index) => {
        if (index === 0) return null;
        const previousId = promptIds[index - 1];
        const logprob = stubTokenLogprob(previousId, id);
        return alternatives === null ? { logprob } : { logprob, top: describeStubTop(id, logprob, previousId, alternatives) };
      });
    },
  };
}
