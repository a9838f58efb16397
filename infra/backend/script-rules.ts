/**
 * Scripted answers for the stub backend: a test says "when a prompt contains
 * X, the model writes Y". Imports nothing, so workerd tests can share the type.
 */

/** One script rule, as posted to `POST /__stub/scripts`. */
export interface ScriptRule {
  /** The prompt text must contain this. */
  contains?: string;
  /** The prompt text must end with this. */
  endsWith?: string;
  /** The whole completion; generation ends after it, or at an `<|endoftext|>` inside it. */
  text: string;
  /** Alternatives (token text -> logprob) reported at generated position i. */
  top_logprobs?: Array<Record<string, number>>;
}

function isRecordOfNumbers(value: unknown): value is Record<string, number> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((entry) => typeof entry === "number" && Number.isFinite(entry));
}

/**
 * Checks a posted rule; throws a message fit for a 400 response. A rule must
 * name a condition: a catch-all would capture other tests' prompts, since
 * tests share one stub and run in parallel.
 *
 * @example
 * parseScriptRule({ contains: "[t-1a2b]", text: " Paris" }); // the same rule, typed
 */
export function parseScriptRule(value: unknown): ScriptRule {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("a script rule must be a JSON object");
  const { contains, endsWith, text, top_logprobs: top } = value as Record<string, unknown>;
  if (typeof text !== "string") throw new Error("`text` must be a string");
  if (contains !== undefined && (typeof contains !== "string" || contains === "")) throw new Error("`contains` must be a non-empty string");
  if (endsWith !== undefined && (typeof endsWith !== "string" || endsWith === "")) throw new Error("`endsWith` must be a non-empty string");
  if (contains === undefined && endsWith === undefined) throw new Error("a script rule needs `contains` or `endsWith`");
  if (top !== undefined && !(Array.isArray(top) && top.every(isRecordOfNumbers))) {
    throw new Error("`top_logprobs` must be an array of objects mapping token text to a number");
  }
  return {
    text,
    ...(contains !== undefined ? { contains } : {}),
    ...(endsWith !== undefined ? { endsWith } : {}),
    ...(top !== undefined ? { top_logprobs: top } : {}),
  };
}

/**
 * The rule for a prompt: rules are checked newest first and the first whose
 * every condition holds wins, so a test can override an earlier rule.
 *
 * @example
 * findScriptRule(rules, "Q: capital of France? [t-1a2b]\nA:"); // the newest matching rule, or undefined
 */
export function findScriptRule(rules: readonly ScriptRule[], promptText: string): ScriptRule | undefined {
  for (let index = rules.length - 1; index >= 0; index -= 1) {
    const rule = rules[index];
    if (!rule) continue;
    if (rule.contains !== undefined && !promptText.includes(rule.contains)) continue;
    if (rule.endsWith !== undefined && !promptText.endsWith(rule.endsWith)) continue;
    return rule;
  }
  return undefined;
}
