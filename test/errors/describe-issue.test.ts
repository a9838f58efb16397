import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeFirstIssue } from "../../src/errors/describe-issue";

function failOn(schema: z.ZodType, value: unknown): z.ZodError {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error("expected the value to fail");
  return parsed.error;
}

describe("describeFirstIssue", () => {
  const schema = z.object({ text: z.string(), options: z.object({ top_k: z.int() }).strict().optional() }).strict();

  it("names the first failing path under the prefix", () => {
    expect(describeFirstIssue(failOn(schema, { text: 5 }), ["input"])).toEqual({
      path: ["input", "text"],
      message: "input.text: Invalid input: expected string, received number",
    });
  });

  it("names the whole value when it failed itself", () => {
    expect(describeFirstIssue(failOn(schema, 5)).message).toMatch(/^body: /);
    expect(describeFirstIssue(failOn(schema, 5), [], "line").message).toMatch(/^line: /);
  });

  it("puts an unknown key into the path, and lists any others in the message", () => {
    expect(describeFirstIssue(failOn(schema, { text: "a", options: { top_k: 1, temprature: 1 } }))).toEqual({
      path: ["options", "temprature"],
      message: "options.temprature: unknown field",
    });
    expect(describeFirstIssue(failOn(schema, { text: "a", lenght: 1, foo: 2 }), ["body"])).toEqual({
      path: ["body", "lenght"],
      message: "body.lenght: unknown field (also unknown: 'foo')",
    });
  });
});
