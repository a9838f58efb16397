import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCbtSuite } from "../../../../infra/eval/suites/cbt";
import { detokenizeCbt } from "../../../../infra/eval/suites/detokenize";

const cbtCn = createCbtSuite({ name: "cbt-cn", source: "test" });
const cbtNe = createCbtSuite({ name: "cbt-ne", source: "test" });

// The first CN example's text, detokenized by hand: numbers gone, sentences joined by spaces, `` '' quotes, 's and n't mended.
const FIRST_CN_TEXT = [
  "Once upon a time there lived a miller named Tobias Reed, who had a mill beside the river.",
  "Every morning he carried sacks of grain from the barn to the millstone.",
  "His daughter Elsie kept the geese and swept the yard.",
  '"Father," said Elsie one day, "the wheel is turning slower than it did."',
  "The miller looked at the wheel and scratched his head.",
  '"It\'s the water," he said; "the river is low this summer."',
  "So they walked up the river bank to see what had stopped the water.",
  "Near the old bridge they found a great heap of branches and stones.",
  "A family of beavers had built a dam across the river.",
  '"We mustn\'t break their house," said Elsie, "for they have little ones."',
  "The miller sighed, for he did not know what to do.",
  "Then an old heron stepped out of the reeds.",
  '"I have lived by this river for forty years," said the heron.',
  '"The beavers will listen to me if you bring them a gift."',
  "Elsie ran home and fetched a basket of apples from the cellar.",
  "She set the basket on the bank beside the dam.",
  "The beavers came out one by one and sniffed at the apples.",
  "The oldest beaver, whose name was Grumble, climbed onto a stone.",
  '"What do you want, miller?"',
  "he asked in a gruff voice.",
  '"Only a little gap in your ___," said Elsie, "so that the wheel may turn."',
].join(" ");

function writeTemp(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "cbt-")), name);
  writeFileSync(path, content);
  return path;
}

/** One example in the release's layout, with `sentences` context lines. */
function exampleLines(query: string, answer: string, candidates: string[], sentences = 20): string {
  const lines = Array.from({ length: sentences }, (_, i) => `${i + 1} Sentence number ${i + 1} .`);
  return `${[...lines, `21 ${query}\t${answer}\t\t${candidates.join("|")}`].join("\n")}\n\n`;
}

describe("CBT parsing (cbtest_{CN,NE}_test_2500ex.txt)", () => {
  it("reads each 21-line example: the context and query joined by spaces and detokenized, the query's XXXXX as the blank", async () => {
    const examples = await cbtCn.parse("test/fixtures/eval/cbtest_CN_test_2500ex.txt");
    expect(examples.map((entry) => entry.id)).toEqual(["1", "2"]);
    expect(examples[0]?.example).toEqual({
      text: FIRST_CN_TEXT,
      candidates: ["apples", "bank", "basket", "beavers", "branches", "dam", "geese", "heron", "river", "wheel"],
      answer: "dam",
    });
    expect(examples[1]?.example.answer).toBe("jar");
    expect(examples[1]?.example.text).toMatch(/^On market day the square of Little Hollow was full of carts\. Farmers sold cabbages, eggs/);
    expect(examples[1]?.example.text).toMatch(
      /the juggler's hat .* Pip put the penny in his pocket, tied a new ribbon round the last ___, and went home\.$/,
    );
  });

  it("reads the named-entity file the same way", async () => {
    const examples = await cbtNe.parse("test/fixtures/eval/cbtest_NE_test_2500ex.txt");
    expect(examples.map((entry) => entry.example.answer)).toEqual(["Robin", "Pryce"]);
    for (const { example } of examples) {
      expect(example.candidates).toHaveLength(10);
      expect(example.text.split("___")).toHaveLength(2);
    }
    expect(examples[0]?.example.text).toContain('"Hold fast, Robin!" cried the captain.');
    expect(examples[1]?.example.text).toMatch(/"You may thank ___ for that," she said, "for he wrote to me about the note\."$/);
  });

  it("reads Windows line endings and a file without its last blank line alike", async () => {
    const unix = exampleLines("Then XXXXX came .", "dog", ["cat", "dog"]) + exampleLines("A XXXXX sang .", "bird", ["bird", "fish"]);
    const windows = writeTemp("crlf.txt", unix.trimEnd().replaceAll("\n", "\r\n"));
    expect(await cbtCn.parse(windows)).toEqual(await cbtCn.parse(writeTemp("lf.txt", unix)));
    const [first, second] = (await cbtCn.parse(windows)).map((entry) => entry.example.text);
    expect(first).toMatch(/^Sentence number 1\. Sentence number 2\. .* Sentence number 20\. Then ___ came\.$/);
    expect(second).toMatch(/ Sentence number 20\. A ___ sang\.$/);
  });

  it("keeps underscores of the book from reading as a second blank", async () => {
    const path = writeTemp("underscores.txt", exampleLines("Mr. _____ met XXXXX .", "Tom", ["Tom", "Ann"]));
    const [entry] = await cbtCn.parse(path);
    expect(entry?.example.text).toMatch(/Mr\. __ met ___\.$/);
  });

  it("names the line of a file that is not CBT's format", async () => {
    const bad = async (content: string) => cbtCn.parse(writeTemp("bad.txt", content));
    await expect(bad(exampleLines("XXXXX .", "a", ["a", "b"], 19))).rejects.toThrow(/line 20: expected line number 20, got 21/);
    await expect(bad(exampleLines("XXXXX .", "a", ["a", "b"]).replaceAll("\t", " "))).rejects.toThrow(
      /line 21: expected "query<TAB>answer/,
    );
    await expect(bad(exampleLines("XXXXX .", "c", ["a", "b"]))).rejects.toThrow(/line 21: the answer "c" is not a candidate/);
    await expect(bad(exampleLines("no blank .", "a", ["a", "b"]))).rejects.toThrow(/line 21: the query must hold exactly one XXXXX/);
    await expect(bad("1 One .\n3 Three .\n")).rejects.toThrow(/line 2: expected line number 2, got 3/);
    await expect(bad("1 One .\n2 Two .\n")).rejects.toThrow(/ends inside an example/);
    await expect(bad("hello\n")).rejects.toThrow(/line 1: expected "N sentence"/);
  });
});

describe("detokenizeCbt", () => {
  it("applies lm-evaluation-harness's CBT rules", () => {
    expect(detokenizeCbt("`` We do n't , '' said Tom 's sister .")).toBe("\"We don't,\" said Tom's sister.");
    expect(detokenizeCbt("Stop ! Who ? Here : there ; -- gone")).toBe("Stop! Who? Here: there; -- gone");
  });
});
