import type { ModelSize } from "./eval-types";

type Figures = Partial<Record<ModelSize, number>>;

const all = (a: number, b: number, c: number, d: number): Figures => ({ "117M": a, "345M": b, "762M": c, "1542M": d });
const largest = (value: number): Figures => ({ "1542M": value });

/**
 * The paper's zero-shot figures (Radford et al. 2019), by suite and metric:
 * Table 3 for language modelling and LAMBADA, CBT and Winograd; sections
 * 3.5 to 3.8 for CoQA, CNN/Daily Mail (Table 4), WMT-14 and Natural
 * Questions, which give the 1542M model only (the smaller ones appear in
 * plots, without numbers).
 */
export const PAPER_FIGURES: Record<string, Record<string, Figures>> = {
  lambada: {
    accuracy_stopword_filter: all(45.99, 55.48, 60.12, 63.24),
    accuracy: largest(52.66),
    perplexity: all(35.13, 15.6, 10.87, 8.63),
  },
  "cbt-cn": { accuracy: all(87.65, 92.35, 93.45, 93.3) },
  "cbt-ne": { accuracy: all(83.4, 87.1, 88.0, 89.05) },
  winograd: { accuracy: largest(70.7) },
  coqa: { f1: largest(55) },
  "cnn-dm": { rouge1: largest(29.34), rouge2: largest(8.27), rougeL: largest(26.58), rouge_avg: largest(21.4) },
  "wmt14-en-fr": { bleu: largest(5) },
  "wmt14-fr-en": { bleu: largest(11.5) },
  nq: { exact_match: largest(4.1) },
  wikitext2: { perplexity: all(29.41, 22.76, 19.93, 18.34) },
  wikitext103: { perplexity: all(37.5, 26.37, 22.05, 17.48) },
  ptb: { perplexity: all(65.85, 47.33, 40.31, 35.76) },
  enwik8: { bits_per_byte: all(1.16, 1.01, 0.97, 0.93) },
  text8: { bits_per_character: all(1.17, 1.06, 1.02, 0.98) },
};

/**
 * The paper's figure for a suite's metric at a model size, or null where the paper gives none.
 *
 * @example
 * paperFigure("lambada", "perplexity", "1542M"); // 8.63
 */
export function paperFigure(suite: string, metric: string, size: ModelSize): number | null {
  return PAPER_FIGURES[suite]?.[metric]?.[size] ?? null;
}
