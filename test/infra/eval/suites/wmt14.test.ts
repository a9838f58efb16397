import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CallTask, ExampleRecord, RunConfig } from "../../../../infra/eval/eval-types";
import { computeCorpusBleu, countBleuStatistics } from "../../../../infra/eval/metrics/corpus-bleu";
import { createWmt14Suite } from "../../../../infra/eval/suites/wmt14";

const PREFIX = "test/fixtures/eval/newstest2014";
const enFr = createWmt14Suite("en", "fr");
const frEn = createWmt14Suite("fr", "en");

describe("wmt14 parse", () => {
  it("pairs line i of PREFIX.en with line i of PREFIX.fr, the source side by direction", async () => {
    const forward = await enFr.parse(PREFIX);
    expect(forward).toHaveLength(5);
    expect(forward[0]).toEqual({
      id: "1",
      example: {
        source: "The Harbour Lane ferry will carry passengers across the estuary again from May.",
        reference: "Le ferry de Harbour Lane transportera à nouveau des passagers sur l'estuaire à partir de mai.",
      },
    });
    const backward = await frEn.parse(PREFIX);
    expect(backward.map((entry) => entry.example)).toEqual(
      forward.map(({ example }) => ({ source: example.reference, reference: example.source })),
    );
    expect(enFr.name).toBe("wmt14-en-fr");
    expect(frEn.name).toBe("wmt14-fr-en");
  });

  it("takes a path ending in .en or .fr as its prefix", async () => {
    expect(await enFr.parse(`${PREFIX}.en`)).toEqual(await enFr.parse(PREFIX));
    expect(await frEn.parse(`${PREFIX}.fr`)).toEqual(await frEn.parse(PREFIX));
  });

  it("keeps blank lines in place, drops CR and the final newline, and refuses files of different lengths", async () => {
    const folder = mkdtempSync(join(tmpdir(), "wmt14-"));
    try {
      writeFileSync(join(folder, "t.en"), "One.\r\n\r\nThree.\r\n");
      writeFileSync(join(folder, "t.fr"), "Un.\n\nTrois.\n");
      expect((await enFr.parse(join(folder, "t"))).map((entry) => entry.example)).toEqual([
        { source: "One.", reference: "Un." },
        { source: "", reference: "" },
        { source: "Three.", reference: "Trois." },
      ]);
      writeFileSync(join(folder, "t.fr"), "Un.\nDeux.\n");
      await expect(enFr.parse(join(folder, "t"))).rejects.toThrow(/t\.en has 3 lines but .*t\.fr has 2/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("wmt14 run and score", () => {
  it("sends translate with from/to and records the segment's BLEU statistics", async () => {
    const calls: unknown[] = [];
    const callTask: CallTask = async (call) => {
      calls.push(call);
      return {
        output: { translation: "Le ferry reprendra en mai." },
        model: "gpt2",
        backend: "gpu",
        template: { id: "gpt2-paper/v1", source: "paper" },
      };
    };
    const record = await frEn.run({ source: "Le ferry reprend.", reference: "The ferry returns in May." }, callTask, {} as RunConfig);
    expect(calls).toEqual([{ task: "translate", body: { text: "Le ferry reprend.", from: "fr", to: "en" } }]);
    expect(record.values).toEqual({
      hypothesis: "Le ferry reprendra en mai.",
      bleu: countBleuStatistics("Le ferry reprendra en mai.", "The ferry returns in May."),
    });
  });

  it("scores the summed statistics: corpus BLEU, not a mean of sentence BLEUs, whatever the record order", () => {
    const pairs: Array<[string, string]> = [
      ["The ferry will sail again in May.", "The ferry will sail again from May."],
      ["Tickets cost 2.50 euros.", "Tickets will cost 2.50 euros for adults."],
      ["The council bought boats.", "The council has ordered two electric boats."],
    ];
    const records: ExampleRecord[] = pairs.map(([hypothesis, reference], index) => ({
      id: String(index + 1),
      values: { hypothesis, bleu: countBleuStatistics(hypothesis, reference) },
      model: "gpt2",
      backend: "gpu",
      template: "gpt2-paper/v1",
    }));
    const corpus = computeCorpusBleu(
      pairs.map(([hypothesis]) => hypothesis),
      pairs.map(([, reference]) => reference),
    );
    const [bleu] = enFr.score(records, "1542M");
    expect(bleu).toEqual({ metric: "bleu", score: corpus, paper: 5, better: "higher" });
    expect(enFr.score([...records].reverse(), "1542M")[0]?.score).toBe(corpus);
    expect(frEn.score(records, "1542M")[0]?.paper).toBe(11.5);
    expect(frEn.score(records, "345M")[0]?.paper).toBeNull();
    const meanOfSentences = pairs.reduce((sum, [h, r]) => sum + computeCorpusBleu([h], [r]), 0) / pairs.length;
    expect(corpus).not.toBeCloseTo(meanOfSentences, 3);
  });
});
