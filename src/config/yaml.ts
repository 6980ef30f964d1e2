// YAML (and JSON, which is YAML) from files a user wrote: config, trees, answers. One parser with
// limits, so that a hostile or broken file is one line naming the file, the line and what is
// wrong, never a stack trace, a hang or all the memory:
// - syntax errors say line, column and the yaml library's reason (tabs, quotes, indentation);
// - aliases are limited (a "billion laughs" file expands to nothing), nesting too;
// - duplicate keys are found by our own linear walk (yaml's own check is quadratic in a map's
//   size: a 40,000-node tree took 24 s to lint);
// - the text is read by js-yaml's event parser and our own pass over its events
//   (./yaml-events.ts), about 20 times faster than the yaml library's parser; the yaml library
//   reads what that pass is not sure about (errors, anchors, tags...), so messages stay its own;
// - a key named __proto__ is refused: JavaScript objects treat it as the prototype, not a name.
import { ConfigError } from "../errors.js";
import { cjsExports } from "../interop.js";
import { type DuplicateKey, lineOf, lineStarts, type ParsedYaml, readYamlEvents } from "./yaml-events.js";

/** Deeper than any config or tree needs; deep enough nesting would overflow the stack later. */
export const MAX_YAML_DEPTH = 64;
/** Aliases (*name) one file may use. */
export const MAX_YAML_ALIASES = 100;

export type { DuplicateKey, ParsedYaml };

export interface ParseYamlOptions {
  /** What messages call the file: its path, or "--answers a.yaml". */
  label: string;
  file?: string;
  hint?: string;
  /** What the syntax is called in messages ("YAML" unless told, e.g. "YAML or JSON"). */
  syntax?: string;
  /** The error to throw (default: ConfigError, exit 78). */
  makeError?: (message: string, cause: unknown) => Error;
}

type YamlModule = typeof import("yaml");

/** Line and column (1-based) of a character offset. */
export function linePos(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

export async function parseUserYaml(text: string, opts: ParseYamlOptions): Promise<ParsedYaml> {
  if (bracketDepth(text) <= MAX_FLOW_BRACKETS) {
    const fast = readYamlEvents(await import("js-yaml"), text);
    if (fast) return fast;
  }
  const YAML = cjsExports(await import("yaml")) as YamlModule;
  return parseUserYamlWith(YAML, text, opts);
}

/** The same with the yaml library alone (the reference the fast path is tested against). */
export function parseUserYamlWith(YAML: YamlModule, text: string, opts: ParseYamlOptions): ParsedYaml {
  const fail = (why: string, cause?: unknown): never => {
    const message = `${opts.label}: ${why}`;
    throw opts.makeError
      ? opts.makeError(message, cause)
      : new ConfigError(message, { file: opts.file, hint: opts.hint, cause });
  };
  const syntax = opts.syntax ?? "YAML";
  // The yaml parser recurses on flow collections: thousands of "[" overflow its stack slowly.
  // No config or tree nests brackets this deep, so count them first (quotes and all: a cheap
  // upper bound) and refuse at once.
  if (bracketDepth(text) > MAX_FLOW_BRACKETS) {
    return fail(`nested too deeply to read (at most ${MAX_YAML_DEPTH} levels).`);
  }
  let doc: import("yaml").Document.Parsed;
  try {
    doc = YAML.parseDocument(text, { uniqueKeys: false, prettyErrors: false, merge: false });
  } catch (error) {
    if (error instanceof RangeError)
      return fail(`nested too deeply to read (at most ${MAX_YAML_DEPTH} levels).`, error);
    throw error;
  }
  const first = doc.errors[0];
  if (first) {
    const { line, column } = linePos(text, first.pos[0]);
    const raw = String(first.message).split("\n")[0] ?? "";
    if (/call stack/i.test(raw))
      return fail(`nested too deeply to read (at most ${MAX_YAML_DEPTH} levels).`, first);
    const reason = raw.replace(/\.$/, "");
    const advice = first.code === "TAB_AS_INDENT" ? " (indent with spaces)" : "";
    return fail(`not valid ${syntax} at line ${line}, column ${column}: ${reason}${advice}.`, first);
  }
  const duplicates = walk(YAML, doc, text, fail);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias count|resource exhaustion/i.test(message)) {
      return fail(`uses YAML aliases (*name) too often (at most ${MAX_YAML_ALIASES} expansions).`, error);
    }
    if (error instanceof RangeError)
      return fail(`nested too deeply to read (at most ${MAX_YAML_DEPTH} levels).`, error);
    if (error instanceof Error) return fail(`not valid ${syntax}: ${message.split("\n")[0]}.`, error);
    throw error;
  }
  return { data, duplicates };
}

/** Far above MAX_YAML_DEPTH, so brackets in quoted text never trip it; far below a stack overflow. */
const MAX_FLOW_BRACKETS = 1000;

/** The deepest run of unclosed [ and { in the text. */
function bracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return max;
}

interface Frame {
  node: unknown;
  depth: number;
  path: string;
}

/**
 * One pass over the document's nodes, without recursion: depth, __proto__ keys and duplicate keys.
 * Aliases are not followed (their targets are walked where they are defined).
 */
function walk(
  YAML: YamlModule,
  doc: import("yaml").Document.Parsed,
  text: string,
  fail: (why: string) => never,
): DuplicateKey[] {
  const duplicates: DuplicateKey[] = [];
  // Line numbers from an index built on first need: linePos scans from the top, once per repeat.
  let starts: number[] | undefined;
  const lineAt = (offset: number) => {
    starts ??= lineStarts(text);
    return lineOf(starts, offset);
  };
  const stack: Frame[] = [{ node: doc.contents, depth: 0, path: "" }];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (stack.length) {
    const { node, depth, path } = stack.pop() as Frame;
    if (!node || typeof node !== "object") continue;
    if (depth > MAX_YAML_DEPTH) {
      const range = (node as { range?: [number, number, number] }).range;
      const at = range ? ` (line ${lineAt(range[0])})` : "";
      fail(`nested more than ${MAX_YAML_DEPTH} levels deep${at}.`);
    }
    if (YAML.isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        const plain = YAML.isScalar(key) && (key.value === null || typeof key.value !== "object");
        if (YAML.isScalar(key) && !plain) {
          // !!binary and other tags that make a key an object.
          const at = key.range ? ` at line ${lineAt(key.range[0])}` : "";
          fail(`${path || "(top level)"}: a key${at} is not a plain name.`);
        }
        const name = plain && YAML.isScalar(key) ? String(key.value) : undefined;
        if (name !== undefined) {
          if (name === "__proto__") {
            const at = key && YAML.isScalar(key) && key.range ? ` (line ${lineAt(key.range[0])})` : "";
            fail(`${join(path, name)}: "__proto__" cannot be used as a key${at}.`);
          }
          if (seen.has(name)) {
            const line = YAML.isScalar(key) && key.range ? lineAt(key.range[0]) : 0;
            duplicates.push({ key: name, line, path });
          }
          seen.add(name);
        } else if (key && typeof key === "object") {
          // JavaScript objects can only have names as keys (yaml would stringify it, with a warning).
          const range = (key as { range?: [number, number, number] }).range;
          const at = range ? ` at line ${lineAt(range[0])}` : "";
          fail(`${path || "(top level)"}: a key${at} is a list or map; keys must be plain names.`);
        }
        stack.push({ node: pair.value, depth: depth + 1, path: join(path, name ?? "?") });
      }
    } else if (YAML.isSeq(node)) {
      node.items.forEach((item, i) => {
        stack.push({ node: item, depth: depth + 1, path: `${path}[${i}]` });
      });
    } else if (YAML.isPair(node)) {
      stack.push({ node: node.key, depth: depth + 1, path });
      stack.push({ node: node.value, depth: depth + 1, path });
    }
  }
  // The walk is depth-first from the end; report in file order.
  return duplicates.sort((a, b) => a.line - b.line);
}

/** JSON text with the same limits: line and column on errors, nesting, no __proto__ keys. */
export function parseUserJson(text: string, opts: ParseYamlOptions): unknown {
  const fail = (why: string, cause?: unknown): never => {
    throw new ConfigError(`${opts.label}: ${why}`, { file: opts.file, hint: opts.hint, cause });
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const message = error.message.split("\n")[0] ?? "";
    const at = /position (\d+)/.exec(message);
    const where = at
      ? ` at line ${linePos(text, Number(at[1])).line}, column ${linePos(text, Number(at[1])).column}`
      : "";
    const reason = message
      .replace(/ in JSON at position \d+.*$/, "")
      .replace(/, ".*" is not valid JSON$/, "");
    return fail(`not valid JSON${where}: ${reason}.`, error);
  }
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: data, depth: 0, path: "" }];
  while (stack.length) {
    const { value, depth, path } = stack.pop() as { value: unknown; depth: number; path: string };
    if (!value || typeof value !== "object") continue;
    if (depth > MAX_YAML_DEPTH) fail(`nested more than ${MAX_YAML_DEPTH} levels deep.`);
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        stack.push({ value: item, depth: depth + 1, path: `${path}[${i}]` });
      });
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (key === "__proto__") fail(`${at}: "__proto__" cannot be used as a key.`);
      stack.push({ value: item, depth: depth + 1, path: at });
    }
  }
  return data;
}
