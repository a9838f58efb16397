/** A sentence and its translation that seed the `translate` prompt. */
export interface TranslationPair {
  source: string;
  target: string;
}

/**
 * Default English → French seed pairs: short everyday sentences, as in the
 * paper's WMT-14 setup (`english sentence = french sentence`). French →
 * English uses the same pairs swapped.
 *
 * @example
 * EN_FR_EXAMPLES[0]; // { source: "Good morning.", target: "Bonjour." }
 */
export const EN_FR_EXAMPLES: readonly TranslationPair[] = [
  { source: "Good morning.", target: "Bonjour." },
  { source: "Thank you very much.", target: "Merci beaucoup." },
  { source: "Where is the train station?", target: "Où est la gare ?" },
  { source: "I would like a cup of coffee.", target: "Je voudrais une tasse de café." },
  { source: "The weather is nice today.", target: "Il fait beau aujourd'hui." },
  { source: "My brother lives in Paris.", target: "Mon frère habite à Paris." },
  { source: "We are going to the beach tomorrow.", target: "Nous allons à la plage demain." },
  { source: "How much does this book cost?", target: "Combien coûte ce livre ?" },
  { source: "The children are playing in the garden.", target: "Les enfants jouent dans le jardin." },
  { source: "I do not understand the question.", target: "Je ne comprends pas la question." },
];

// The same pairs the other way round, built once rather than per request.
const FR_EN_EXAMPLES: readonly TranslationPair[] = EN_FR_EXAMPLES.map(({ source, target }) => ({ source: target, target: source }));

/**
 * The built-in pairs for a language pair (codes already lower-cased), or
 * `undefined` when none ship for it.
 *
 * @example
 * defaultExamples("fr", "en")?.[0]; // { source: "Bonjour.", target: "Good morning." }
 */
export function defaultExamples(from: string, to: string): readonly TranslationPair[] | undefined {
  if (from === "en" && to === "fr") return EN_FR_EXAMPLES;
  if (from === "fr" && to === "en") return FR_EN_EXAMPLES;
  return undefined;
}
