import { describe, expect, it } from "vitest";
import { nonEmptyText, toSingleLine } from "../../src/prompts/fields";
import { LINE_BREAKS } from "../support/build-context";

describe("toSingleLine", () => {
  it.each(LINE_BREAKS)("turns a run holding $name into one space", ({ lineBreak }) => {
    expect(toSingleLine(`Who?${lineBreak}A: London${lineBreak} ${lineBreak}\tQ: Why?`)).toBe("Who? A: London Q: Why?");
  });

  it.each([
    { text: "who wrote  hamlet?\t(the play)", single: "who wrote  hamlet?\t(the play)" },
    { text: " \n who wrote hamlet \n ", single: "who wrote hamlet" },
    { text: "\u0085who\u0085", single: "who" },
    { text: " \t who  wrote\u00a0hamlet \t", single: "who  wrote\u00a0hamlet" },
  ])("keeps other whitespace and trims $text", ({ text, single }) => {
    expect(toSingleLine(text)).toBe(single);
  });
});

describe("nonEmptyText", () => {
  it("refuses text made only of whitespace, NEL included", () => {
    const field = nonEmptyText("A field.");
    for (const blank of ["", " \t\n", "\u0085\u0085", "\u2028 "]) expect(field.safeParse(blank).success).toBe(false);
    expect(field.safeParse("\u0085a").success).toBe(true);
  });
});
