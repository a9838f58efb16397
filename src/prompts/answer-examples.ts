/** A question/answer pair that seeds the `answer` prompt. */
export interface QaPair {
  question: string;
  answer: string;
}

/**
 * Default seed pairs in the style of Natural Questions: lower-case search
 * queries without a question mark and short factual answers, so the model
 * learns that the answer is a name, a number or a short phrase on one line.
 *
 * @example
 * DEFAULT_QA_EXAMPLES[0]; // { question: "who wrote the novel pride and prejudice", answer: "Jane Austen" }
 */
export const DEFAULT_QA_EXAMPLES: readonly QaPair[] = [
  { question: "who wrote the novel pride and prejudice", answer: "Jane Austen" },
  { question: "what is the capital city of australia", answer: "Canberra" },
  { question: "when did the first man land on the moon", answer: "1969" },
  { question: "how many bones are in the adult human body", answer: "206" },
  { question: "who painted the mona lisa", answer: "Leonardo da Vinci" },
  { question: "what is the largest planet in the solar system", answer: "Jupiter" },
  { question: "where are the headquarters of the united nations", answer: "New York City" },
  { question: "who was the first president of the united states", answer: "George Washington" },
];
