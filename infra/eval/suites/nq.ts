import { readFile } from "node:fs/promises";
import { recordReply, type Suite } from "../eval-types";
import { computeExactMatch } from "../metrics/answer-overlap";
import { paperFigure } from "../paper-figures";

interface NqExample {
  question: string;
  answers: string[];
}

/**
 * Natural Questions, open-domain (paper section 3.8): each question is one
 * `answer` request with the router's default seed question/answer pairs;
 * exact match with the SQuAD normalization, the best over the gold answers,
 * averaged over questions (the paper's 4.1% for 1542M).
 *
 * `--data` is NQ-Open's jsonl (google-research-datasets/natural-questions,
 * `nq_open/NQ-open.dev.jsonl`): one `{"question", "answer": [...]}` per line.
 * The file has no ids, so an example's id is its line number.
 *
 * @example
 * await nqSuite.parse("NQ-open.dev.jsonl"); // [{ id: "1", example: { question: "who …", answers: ["…"] } }, …]
 */
export const nqSuite: Suite<NqExample> = {
  name: "nq",
  tasks: ["answer"],
  description: "Natural Questions (NQ-Open): exact match, SQuAD normalization, max over the gold answers",
  source: "https://github.com/google-research-datasets/natural-questions/tree/master/nq_open → NQ-open.dev.jsonl",
  async parse(path) {
    const lines = (await readFile(path, "utf8")).split("\n");
    const examples: Array<{ id: string; example: NqExample }> = [];
    lines.forEach((line, index) => {
      if (line.trim() === "") return;
      const row = JSON.parse(line) as { question?: unknown; answer?: unknown };
      const answers = row.answer;
      // Checked here rather than at scoring time, so a bad file fails before any request is sent.
      if (
        typeof row.question !== "string" ||
        !Array.isArray(answers) ||
        answers.length === 0 ||
        !answers.every((a) => typeof a === "string")
      ) {
        throw new Error(`${path} line ${index + 1}: expected {"question": string, "answer": [string, …]} (NQ-Open)`);
      }
      examples.push({ id: String(index + 1), example: { question: row.question, answers } });
    });
    return examples;
  },
  async run({ question, answers }, callTask) {
    const reply = await callTask({ task: "answer", body: { question } });
    const prediction = String(reply.output.answer);
    return recordReply(reply, { prediction, exact_match: computeExactMatch(prediction, answers) });
  },
  score(records, size) {
    const total = records.reduce((sum, record) => sum + Number(record.values.exact_match), 0);
    return [{ metric: "exact_match", score: total / records.length, paper: paperFigure("nq", "exact_match", size), better: "higher" }];
  },
};
