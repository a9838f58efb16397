import { readFileSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";

/** The repository root, whatever the working directory. */
export const ROOT = new URL("../../../", import.meta.url);

/** A file of the repository as text. */
export function readRepoFile(path: string): string {
  return readFileSync(new URL(path, ROOT), "utf8");
}

/** A one-document YAML file, `<<` merge keys resolved as Compose resolves them. */
export function readYaml(path: string): unknown {
  return parse(readRepoFile(path), { merge: true, strict: true, uniqueKeys: true });
}

/** Every document of a YAML file (a Kubernetes manifest may hold several); a syntax error throws. */
export function readYamlDocuments(path: string): unknown[] {
  return parseAllDocuments(readRepoFile(path), { uniqueKeys: true }).map((document) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
    return document.toJS();
  });
}

const VARIABLE = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Compose's interpolation of one string: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`. A required
 * variable that is missing throws, as `docker compose` refuses to start.
 *
 * @example
 * interpolate("${PORT:-8000}:8000", {}); // "8000:8000"
 */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(VARIABLE, (_match, dollar?: string, braced?: string, operator?: string, argument = "", bare?: string) => {
    if (dollar) return "$";
    const name = (braced ?? bare)!;
    const value = env[name];
    const unset = value === undefined;
    const empty = unset || value === "";
    switch (operator) {
      case undefined:
        return value ?? "";
      case ":-":
        return empty ? argument : value!;
      case "-":
        return unset ? argument : value!;
      case ":?":
      case "?":
        if (operator === ":?" ? empty : unset) throw new Error(`required variable ${name} is missing a value: ${argument}`);
        return value!;
      case ":+":
        return empty ? "" : argument;
      default:
        return unset ? "" : argument;
    }
  });
}

/** Interpolates every string of a parsed Compose file (values only, never keys). */
export function interpolateTree(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === "string") return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateTree(item, env));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateTree(item, env)]));
  }
  return value;
}

/**
 * The value of a `vllm serve` flag in an argument list (`--flag value` or `--flag=value`),
 * throwing unless it occurs exactly once.
 *
 * @example
 * flagValue(["gpt2", "--port", "8000"], "--port"); // "8000"
 */
export function flagValue(args: readonly string[], flag: string): string {
  const found: string[] = [];
  args.forEach((arg, index) => {
    if (arg === flag) found.push(args[index + 1] ?? "");
    else if (arg.startsWith(`${flag}=`)) found.push(arg.slice(flag.length + 1));
  });
  if (found.length !== 1) throw new Error(`${flag} occurs ${found.length} times in ${JSON.stringify(args)}`);
  return found[0]!;
}

/** A `[vars]` string of wrangler.toml (`NAME = "value"` on a line of its own). */
export function wranglerVar(name: string): string {
  const value = readRepoFile("wrangler.toml").match(new RegExp(`^${name} = "(.*)"$`, "m"))?.[1];
  if (value === undefined) throw new Error(`wrangler.toml has no ${name}`);
  return value;
}

/** The image tag vLLM's servers are pinned to: a release, never a moving tag. */
export const PINNED_VLLM_IMAGE = /^vllm\/vllm-openai:v\d+\.\d+\.\d+(?:-cu\d+)?(?:@sha256:[0-9a-f]{64})?$/;

/** The four GPT-2 checkpoints on the Hugging Face Hub, by the name the router asks for. */
export const GPT2_SIZES: Record<string, string> = {
  gpt2: "openai-community/gpt2",
  "gpt2-medium": "openai-community/gpt2-medium",
  "gpt2-large": "openai-community/gpt2-large",
  "gpt2-xl": "openai-community/gpt2-xl",
};
