import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { MARKER, patchGlue, PINNED_VERSION, TARGETS } from "../../../scripts/patch-onnxruntime-web.mjs";

// The glue patch that keeps an ORT-format model's bytes alive must be there, apply to exactly the
// pinned onnxruntime-web, and fail loudly on anything else rather than run the unpatched runtime.
const run = promisify(execFile);
const root = "node_modules/onnxruntime-web";
const readTarget = (target: string) => readFile(`${root}/${target}`, "utf8");

/** The pristine glue, rebuilt from the installed (patched) file by taking the patch's insertions out. */
function unpatch(text: string): string {
  return text
    .replace(
      /finally\{\/\*zeroshot-router:keep-ort-model-bytes\*\/[^,]*?\?\(([\w$]+)\.zsrModelBytes\?\?=new Map\)\.set\([\w$]+,([\w$]+)\):\1\._free\(\2\),/,
      "finally{$1._free($2),",
    )
    .replace(
      /([\w$]+)\.zsrModelBytes\?\.has\(([\w$]+)\)&&\(\1\._free\(\1\.zsrModelBytes\.get\(\2\)\),\1\.zsrModelBytes\.delete\(\2\)\),/,
      "",
    );
}

describe("scripts/patch-onnxruntime-web.mjs", () => {
  it("is written for the exact onnxruntime-web version package.json pins and npm installed", async () => {
    const pkg = JSON.parse(await readFile("package.json", "utf8")) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    const installed = JSON.parse(await readFile(`${root}/package.json`, "utf8")) as { version: string };
    expect(pkg.dependencies["onnxruntime-web"]).toBe(PINNED_VERSION);
    expect(installed.version).toBe(PINNED_VERSION);
    expect(pkg.scripts.postinstall).toBe("node scripts/patch-onnxruntime-web.mjs");
  });

  it("has patched every build this project loads (npm install's postinstall)", async () => {
    await expect(run("node", ["scripts/patch-onnxruntime-web.mjs", "--check"])).resolves.toBeDefined();
    for (const target of TARGETS) {
      const text = await readTarget(target);
      expect(text.split(MARKER)).toHaveLength(2);
      expect(text.match(/zsrModelBytes\.delete\(/g)).toHaveLength(1);
    }
  });

  it("applies to the pristine glue exactly once, and again changes nothing", async () => {
    for (const target of TARGETS) {
      const patched = await readTarget(target);
      const pristine = unpatch(patched);
      expect(pristine).not.toContain("zsrModelBytes");
      expect(patchGlue(pristine)).toBe(patched);
      expect(patchGlue(patched)).toBe(patched);
    }
  });

  it("refuses glue it does not recognise instead of leaving it unpatched", async () => {
    expect(() => patchGlue("let session = create(); finally { free(model) }")).toThrow(/found 0 times, expected once/);
    const pristine = unpatch(await readTarget(TARGETS[0] as string));
    const twice = `${pristine};${pristine}`;
    expect(() => patchGlue(twice)).toThrow(/found 2 times/);
  });
});
