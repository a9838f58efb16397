import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { winogradSuite } from "../../../../infra/eval/suites/winograd";

function writeTemp(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), "wsc-")), "WSCollection.xml");
  writeFileSync(path, content);
  return path;
}

/** A schema in the collection's layout; `answers` and `correct` as the file writes them. */
function schema(txt1: string, pron: string, txt2: string, answers = ["Ann ", " Bea"], correct = " A ", extra = ""): string {
  const answerXml = answers.map((answer) => `<answer>${answer}</answer>`).join("\n");
  return `<schema>\n<text>\n<txt1>\n${txt1}\n</txt1>\n<pron> ${pron} </pron>\n<txt2> ${txt2}\n</txt2>\n</text>\n${extra}<quote>\n<pron>${pron}</pron>\n<quote2>x</quote2>\n</quote>\n<answers>\n${answerXml}\n</answers>\n<correctAnswer>${correct}</correctAnswer>\n<source> test </source>\n</schema>\n`;
}

const collection = (schemas: string[], encoding = "ISO-8859-1") =>
  `<?xml version="1.0" encoding="${encoding}"?>\n<?xml-stylesheet type="text/xsl" href="WSExample.xsl"?>\n<collection>\n${schemas.join("\n")}</collection>\n`;

describe("Winograd parsing (WSCollection.xml)", () => {
  it("turns each schema into the sentence with the pronoun as the blank, the answers as candidates and the correct one's index", async () => {
    const examples = await winogradSuite.parse("test/fixtures/eval/WSCollection.xml");
    expect(examples.map((entry) => entry.id)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(examples.map((entry) => entry.example)).toEqual([
      // &amp; decoded; "The kettle" lowercased inside the sentence; " A  " is A.
      {
        text: "The kettle from Hale & Sons would not fit on the shelf because ___ was too tall.",
        candidates: ["the kettle", "the shelf"],
        correct: 0,
      },
      {
        text: "The kettle from Hale & Sons would not fit on the shelf because ___ was too low.",
        candidates: ["the kettle", "the shelf"],
        correct: 1,
      },
      // The non-breaking space (byte 0xA0 in ISO-8859-1) and the line breaks collapse to single spaces; "B.  " is B.
      { text: "Mia lent her bicycle to Rosa because ___ needed to get to the station.", candidates: ["Mia", "Rosa"], correct: 1 },
      { text: "Mia lent her bicycle to Rosa because ___ was staying at home all day.", candidates: ["Mia", "Rosa"], correct: 0 },
      // The pronoun ends the sentence: no space before the full stop; "the ducks." loses its full stop.
      { text: "The puppies kept chasing the ducks, so the farmer scolded ___.", candidates: ["the puppies", "the ducks"], correct: 0 },
      { text: "The puppies kept chasing the ducks, so the farmer protected ___.", candidates: ["the puppies", "the ducks"], correct: 1 },
      // The pronoun starts a sentence: both candidates capitalized, the line break inside "the old\nfence" collapsed.
      { text: "The storm knocked down the old fence. ___ was very strong.", candidates: ["The storm", "The old fence"], correct: 0 },
      { text: "The storm knocked down the old fence. ___ was very rotten.", candidates: ["The storm", "The old fence"], correct: 1 },
      // A possessive pronoun: the candidates take 's.
      { text: "The coach praised the runner after ___ speech at the dinner.", candidates: ["the coach's", "the runner's"], correct: 0 },
      {
        text: "The coach praised the runner after ___ fastest race of the season.",
        candidates: ["the coach's", "the runner's"],
        correct: 1,
      },
    ]);
  });

  it("keeps the first 273 schemas (WSC273) of the 285 in the collection", async () => {
    const schemas = Array.from({ length: 285 }, (_, i) => schema(`Ann met Bea on day ${i + 1} and`, "she", "smiled."));
    const examples = await winogradSuite.parse(writeTemp(collection(schemas)));
    expect(examples).toHaveLength(273);
    expect(examples.at(-1)).toEqual({
      id: "273",
      example: { text: "Ann met Bea on day 273 and ___ smiled.", candidates: ["Ann", "Bea"], correct: 0 },
    });
  });

  it("reads the XML beyond this file's habits: UTF-8, comments, CDATA, character references, empty elements", async () => {
    const xml = collection(
      [
        "<!-- a comment with <schema> inside -->",
        schema(
          "Zo\u00eb told Ann &#x2018;no&#8217; because",
          "her",
          "<![CDATA[sister & friend]]> objected.",
          ["Zo\u00eb ", "Ann's "],
          "B.",
          "<quote1/>\n",
        ),
      ],
      "UTF-8",
    );
    const [entry] = await winogradSuite.parse(writeTemp(Buffer.from(xml, "utf8")));
    // "her" is possessive here: Zoë takes 's, Ann's keeps the one it has.
    expect(entry?.example).toEqual({
      text: "Zo\u00eb told Ann \u2018no\u2019 because ___ sister & friend objected.",
      candidates: ["Zo\u00eb's", "Ann's"],
      correct: 1,
    });
  });

  it("says which schema is broken", async () => {
    await expect(
      winogradSuite.parse(writeTemp(collection([schema("a", "b", "c."), schema("a", "b", "c.", undefined, " C ")]))),
    ).rejects.toThrow(/schema 2: <correctAnswer> "C" names no answer/);
    await expect(
      winogradSuite.parse(writeTemp(collection([schema("a", "b", "c.").replace(/<pron>[^<]*<\/pron>\n<txt2>/, "<txt2>")]))),
    ).rejects.toThrow(/schema 1: no <pron>/);
  });
});
