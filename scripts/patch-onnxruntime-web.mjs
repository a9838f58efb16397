#!/usr/bin/env node
/**
 * Keeps onnxruntime-web's model bytes alive for sessions that point their
 * initializers into them (`session.use_ort_model_bytes_for_initializers=1`).
 *
 * onnxruntime-web 1.30.0 copies the model into the wasm heap and frees that copy
 * at the end of `createSession`; with this key the weights live in the freed
 * block (a use-after-free, microsoft/onnxruntime PR #29033, not yet released).
 * The patch mirrors that PR: such a session's block is kept in a map and freed
 * by `releaseSession`. Every other session is untouched.
 *
 *   node scripts/patch-onnxruntime-web.mjs          # apply (npm's postinstall runs this)
 *   node scripts/patch-onnxruntime-web.mjs --check  # exit 1 unless every target is patched
 *
 * It is pinned to one version: a different onnxruntime-web, or glue whose code
 * no longer matches, fails loudly instead of running the unpatched runtime.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

export const PINNED_VERSION = "1.30.0";
export const MARKER = "/*zeroshot-router:keep-ort-model-bytes*/";
/** The builds this project loads: workerd bundles `onnxruntime-web/wasm`, Node imports `onnxruntime-web`. */
export const TARGETS = ["dist/ort.wasm.bundle.min.mjs", "dist/ort.node.min.mjs"];

const ID = "[\\w$]+";
// createSession(model, options): `let offset,length,wasm=getInstance();Array.isArray(model)...;let sessionHandle=0,...`,
// later `return sessions.set(sessionHandle,[...])`, and `finally{wasm._free(offset),`.
const CREATE = new RegExp(
  `(async\\((${ID}),(${ID})\\)=>\\{let (${ID}),${ID},(${ID})=${ID}\\(\\);Array\\.isArray\\(\\2\\)[^;]*;let (${ID})=0,` +
    `[\\s\\S]*?return (${ID})\\.set\\(\\6,\\[[\\s\\S]*?)finally\\{\\5\\._free\\(\\4\\),`,
  "g",
);
// releaseSession(id): `let wasm=getInstance(),session=sessions.get(id);if(!session)throw ...; ... sessions.delete(id)}`.
const RELEASE = new RegExp(
  `((${ID})=>\\{let (${ID})=${ID}\\(\\),${ID}=(${ID})\\.get\\(\\2\\);if\\(!${ID}\\)throw new Error\\(\`cannot release session\\.[\\s\\S]*?)(\\4\\.delete\\(\\2\\)\\})`,
  "g",
);

/**
 * Returns the patched text of one glue file; throws when a pattern does not occur exactly once.
 *
 * @example
 * const patched = patchGlue(readFileSync("node_modules/onnxruntime-web/dist/ort.node.min.mjs", "utf8"));
 */
export function patchGlue(text) {
  if (text.includes(MARKER)) return text;
  const creates = [...text.matchAll(CREATE)];
  if (creates.length !== 1) throw new Error(`createSession's finally block found ${creates.length} times, expected once`);
  let patched = text.replace(
    CREATE,
    (_, head, _model, options, offset, wasm, handle, sessions) =>
      `${head}finally{${MARKER}${options}?.extra?.session?.use_ort_model_bytes_for_initializers==="1"&&${sessions}.has(${handle})` +
      `?(${wasm}.zsrModelBytes??=new Map).set(${handle},${offset}):${wasm}._free(${offset}),`,
  );
  const releases = [...patched.matchAll(RELEASE)];
  if (releases.length !== 1) throw new Error(`releaseSession found ${releases.length} times, expected once`);
  patched = patched.replace(
    RELEASE,
    (_, head, id, wasm, _sessions, tail) =>
      `${head}${wasm}.zsrModelBytes?.has(${id})&&(${wasm}._free(${wasm}.zsrModelBytes.get(${id})),${wasm}.zsrModelBytes.delete(${id})),${tail}`,
  );
  return patched;
}

/** The package folder, found the way Node resolves it (its exports hide package.json from `resolve`). */
function packageRoot() {
  const entry = createRequire(import.meta.url).resolve("onnxruntime-web");
  return join(entry.slice(0, entry.lastIndexOf("/dist/")));
}

function main(check) {
  const root = packageRoot();
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  if (version !== PINNED_VERSION) {
    throw new Error(
      `onnxruntime-web is ${version}, but scripts/patch-onnxruntime-web.mjs is written for ${PINNED_VERSION}: ` +
        "check whether upstream fixed the model-bytes use-after-free (microsoft/onnxruntime PR #29033), then update or drop the patch",
    );
  }
  for (const target of TARGETS) {
    const path = join(root, target);
    const text = readFileSync(path, "utf8");
    if (check) {
      if (!text.includes(MARKER)) throw new Error(`${target} is not patched: run npm install (postinstall applies the patch)`);
      continue;
    }
    const patched = patchGlue(text);
    if (patched !== text) writeFileSync(path, patched);
    console.log(`onnxruntime-web ${version}: ${target} ${patched === text ? "already patched" : "patched"}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.includes("--check"));
  } catch (error) {
    console.error(`patch-onnxruntime-web: ${error.message}`);
    process.exit(1);
  }
}
