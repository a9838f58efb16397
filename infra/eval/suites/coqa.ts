import { readFile } from "node:fs/promises";
import { paperFigure } from "../paper-figures";
import { recordReply, type Suite } from "../eval-types";
import { computeCoqaTurnScores } from "../metrics/answer-overlap";
import { combinePartialSums, computeMean } from "../metrics/partial-sums";

/** One turn: its question and every gold answer the official script scores against. */
interface CoqaTurn {
  question: string;
  /** The main answer first (it also goes into later turns' history), then the additional answers. */
  golds: string[];
}

interface CoqaStory {
  story: string;
  turns: CoqaTurn[];
}

/** The parts of the official JSON the suite reads. */
interface CoqaFile {
  data: Array<{
    id: string;
    story: string;
    questions: Array<{ input_text: string; turn_id: number }>;
    answers: Array<{ input_text: string; turn_id: number }>;
    additional_answers?: Record<string, Array<{ input_text: string; turn_id: number }>>;
  }>;
}

/**
 * CoQA (the official `coqa-dev-v1.0.json`): conversational reading
 * comprehension. One example per story, so an interrupted run resumes by
 * story; its turns go to `read` in order, each with the story as the
 * document and the earlier turns' questions with their gold answers as the
 * history (as the paper conditions on "the conversation history", and as
 * lm-evaluation-harness does; the model's own earlier answers would let one
 * mistake cost the turns after it). Each turn is scored as the official
 * script scores it (`computeCoqaTurnScores`: the main answer and the three
 * additional ones, leave-one-out); the story's record keeps F1 and exact
 * match summed over its turns and the turn count, so the report's F1 is the
 * mean over all turns, the official script's "overall".
 *
 * @example
 * await coqaSuite.parse("coqa-dev-v1.0.json"); // [{ id: "3dr23u6we5exclen4th8uq9rb42tel", example: { story: "…", turns: [{ question, golds }, …] } }, …]
 */
export const coqaSuite: Suite<CoqaStory> = {
  name: "coqa",
  tasks: ["read"],
  description: "CoQA conversational question answering: F1 and exact match per turn with gold history, averaged over turns",
  source: "https://nlp.stanford.edu/data/coqa/coqa-dev-v1.0.json (500 stories, 7,983 turns; the test set is not public)",
  async parse(path) {
    const file = JSON.parse(await readFile(path, "utf8")) as CoqaFile;
    if (!Array.isArray(file.data)) throw new Error(`${path}: expected CoQA's {"version", "data": [stories]}`);
    return file.data.map((story) => ({ id: story.id, example: { story: story.story, turns: toTurns(story) } }));
  },
  async run({ story, turns }, callTask) {
    const predictions: string[] = [];
    let f1Sum = 0;
    let exactMatchSum = 0;
    let reply: Awaited<ReturnType<typeof callTask>> | undefined;
    // One turn at a time, so --concurrency stays the number of requests in flight.
    for (const [index, turn] of turns.entries()) {
      const history = turns.slice(0, index).map((earlier) => ({ question: earlier.question, answer: historyAnswer(earlier) }));
      reply = await callTask({
        task: "read",
        body: { document: story, ...(history.length > 0 ? { history } : {}), question: turn.question },
      });
      const prediction = reply.output.answer as string;
      const scores = computeCoqaTurnScores(prediction, turn.golds);
      predictions.push(prediction);
      f1Sum += scores.f1;
      exactMatchSum += scores.exactMatch;
    }
    if (!reply) throw new Error("a CoQA story needs at least one turn");
    return recordReply(reply, { turns: turns.length, f1_sum: f1Sum, exact_match_sum: exactMatchSum, predictions });
  },
  score(records, size) {
    const mean = (key: string) =>
      computeMean(combinePartialSums(records.map((record) => ({ sum: Number(record.values[key]), count: Number(record.values.turns) }))));
    return [
      { metric: "f1", score: mean("f1_sum"), paper: paperFigure("coqa", "f1", size), better: "higher" },
      { metric: "exact_match", score: mean("exact_match_sum"), paper: paperFigure("coqa", "exact_match", size), better: "higher" },
    ];
  },
};

/**
 * Gold answers per turn as the official script's `gold_answers_to_dict`
 * gathers them: the i-th entry of `answers` and of each list in
 * `additional_answers`, by position (the script only warns when turn ids
 * disagree; a list too short for the turn is skipped).
 */
function toTurns(story: CoqaFile["data"][number]): CoqaTurn[] {
  const lists = [story.answers, ...Object.values(story.additional_answers ?? {})];
  return story.questions.map((question, index) => {
    const golds = lists.map((list) => list[index]?.input_text).filter((gold) => gold !== undefined);
    if (golds.length === 0) throw new Error(`story ${story.id}: turn ${question.turn_id} has no answer`);
    return { question: question.input_text, golds };
  });
}

// The router refuses an empty history answer; CoQA writes an unanswerable turn's answer as "unknown", so an empty
// main answer (a slip in the data) is given the same word rather than losing the whole story.
function historyAnswer(turn: CoqaTurn): string {
  const main = turn.golds[0] ?? "";
  return main.trim() === "" ? "unknown" : main;
}
