// The fast way to read a user's YAML: js-yaml's event parser (a flat list of events pointing into
// the text) and one linear pass of ours over it that builds the data and finds repeated keys.
// The yaml library's own parser is about 20 times slower (a 20,000-node tree took over 5 s to
// lint), so it is kept only as the reference: for any text this pass is not sure about (a syntax
// error, anchors and aliases, tags, directives, keys that are not plain names, deep nesting,
// __proto__, several documents) it answers `undefined` and the caller asks the yaml library,
// which says exactly what it always said. On every other text the two give the same data and the
// same repeated keys (src/config/yaml.test.ts compares them on generated texts).
import type * as JsYaml from "js-yaml";

type JsYamlModule = typeof JsYaml;

export interface DuplicateKey {
  key: string;
  /** Where the repeat is (1-based). */
  line: number;
  /** The path of the map holding it, e.g. "nodes" or "profiles.acme". */
  path: string;
}

export interface ParsedYaml {
  data: unknown;
  /** Keys given more than once in one map (only the last one counts in `data`). */
  duplicates: DuplicateKey[];
}

/** Nesting the fast pass takes on; deeper texts go to the yaml library, which refuses past 64. */
const FAST_MAX_DEPTH = 60;

// Event and style numbers (js-yaml's EVENT_ID and SCALAR_STYLE), inlined: they are its public API.
const DOCUMENT = 1;
const SEQUENCE = 2;
const MAPPING = 3;
const SCALAR = 4;
const POP = 6;
const PLAIN = 1;
const LITERAL_BLOCK = 4;
const FOLDED_BLOCK = 5;
const KEEP = 3;

/**
 * Texts the two parsers read differently, found by comparing them on generated texts: a tab in
 * a line's indentation (yaml refuses it; js-yaml may take it as a separator), a "..." line (yaml
 * counts a document before it), an indented "---", a block scalar's explicit indentation (they
 * count from different columns at the top level), a byte-order mark (yaml counts it as a
 * column of indentation).
 */
const AMBIGUOUS = /^ *\t|^ *\.\.\.|^ +---|[|>][-+]?[1-9]|\ufeff/m;

/** A collection being built, with how its parent holds it (for the path of a repeated key). */
interface Frame {
  parent: Frame | undefined;
  /** The key in the parent map, or the index in the parent list. */
  at: string | number;
  map: Record<string, unknown> | undefined;
  list: unknown[] | undefined;
  /** The key whose value comes next, or undefined when a key comes next (maps only). */
  key: string | undefined;
  depth: number;
}

/** The data and repeated keys of `text`, or undefined when the yaml library must say. */
export function readYamlEvents(jy: JsYamlModule, text: string): ParsedYaml | undefined {
  if (AMBIGUOUS.test(text)) return undefined;
  let events: JsYaml.Event[];
  try {
    events = jy.parseEvents(text, {});
  } catch {
    return undefined;
  }
  const first = events[0];
  if (!first || first.type !== DOCUMENT || first.directives.length > 0) return undefined;
  let lines: number[] | undefined;
  const duplicates: DuplicateKey[] = [];
  let root: unknown;
  let top: Frame | undefined;
  let done = false;

  const attach = (value: unknown): void => {
    if (!top) {
      root = value;
      done = true;
    } else if (top.list) {
      top.list.push(value);
    } else {
      // A plain assignment does what the yaml library's toJS does: a repeated key keeps its place
      // and takes the last value; a name Object.prototype has (toString) becomes the object's
      // own (__proto__, the one accessor there, never gets here).
      (top.map as Record<string, unknown>)[top.key as string] = value;
      top.key = undefined;
    }
  };

  for (let i = 1; i < events.length; i++) {
    const event = events[i] as JsYaml.Event;
    if (done) {
      // Only the document's own end may follow its content.
      if (event.type === POP && i === events.length - 1) break;
      return undefined;
    }
    switch (event.type) {
      case SCALAR: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
        // "|+" and ">+" keep trailing blank lines, which the two count differently at the end.
        if (event.chomping === KEEP && (event.style === LITERAL_BLOCK || event.style === FOLDED_BLOCK))
          return undefined;
        const value = resolveScalar(jy.getScalarValue(text, event), event.style);
        if (top?.map && top.key === undefined) {
          // A key: only plain names, as the yaml library's walk takes them (its null key is "").
          if (value === null || event.style === LITERAL_BLOCK || event.style === FOLDED_BLOCK)
            return undefined;
          const name = String(value);
          if (name === "__proto__") return undefined;
          // Each value is set before the next key is read, so a key seen before is already there.
          if (Object.hasOwn(top.map, name)) {
            lines ??= lineStarts(text);
            duplicates.push({ key: name, line: lineOf(lines, event.valueStart), path: pathOf(top) });
          }
          top.key = name;
        } else attach(value);
        break;
      }
      case SEQUENCE:
      case MAPPING: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
        // A list or map as a key: the yaml library refuses it with its own message.
        if (top?.map && top.key === undefined) return undefined;
        const depth = top ? top.depth + 1 : 0;
        if (depth > FAST_MAX_DEPTH) return undefined;
        const isMap = event.type === MAPPING;
        const map = isMap ? ({} as Record<string, unknown>) : undefined;
        const list = isMap ? undefined : ([] as unknown[]);
        const at: string | number = !top ? "" : top.list ? top.list.length : (top.key as string);
        attach(map ?? list);
        done = false;
        top = { parent: top, at, map, list, key: undefined, depth };
        break;
      }
      case POP:
        if (!top) return undefined;
        // A map whose last key has no value event never happens in a well-formed stream.
        if (top.key !== undefined) return undefined;
        top = top.parent;
        if (!top) done = true;
        break;
      default:
        // Aliases, a second document.
        return undefined;
    }
  }
  if (!done || top) return undefined;
  // In file order, as the yaml library's walk sorts them. Two on one line in different maps
  // it orders its own way: let it.
  for (let i = 1; i < duplicates.length; i++) {
    const a = duplicates[i - 1] as DuplicateKey;
    const b = duplicates[i] as DuplicateKey;
    if (a.line === b.line && a.path !== b.path) return undefined;
  }
  return { data: root, duplicates };
}

/** The yaml library's walk names a map inside a map by its key, one inside a list by [index]. */
function pathOf(frame: Frame): string {
  const parts: Frame[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) parts.push(f);
  let path = "";
  for (let i = parts.length - 1; i >= 0; i--) {
    const f = parts[i] as Frame;
    path = typeof f.at === "number" ? `${path}[${f.at}]` : path ? `${path}.${f.at}` : f.at;
  }
  return path;
}

/** Offsets where each line starts, for line numbers in O(log n) rather than a scan from the top. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line of an offset. */
export function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

// The YAML 1.2 core schema exactly as the yaml library resolves a plain scalar (its
// schema/core: null, bool, then 0o, decimal and 0x integers, then .inf/.nan, exponent and
// decimal floats, first match wins); quoted and block scalars are strings.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

export function resolveScalar(value: string, style: number): unknown {
  if (style !== PLAIN) return value;
  const c = value.charCodeAt(0);
  // Most values are words: nothing but null (empty) can match unless it starts with one of
  // ~ n N t T f F 0-9 + - .
  if (Number.isNaN(c)) return null;
  const maybe =
    c === 0x7e ||
    c === 0x6e ||
    c === 0x4e ||
    c === 0x74 ||
    c === 0x54 ||
    c === 0x66 ||
    c === 0x46 ||
    c === 0x2b ||
    c === 0x2d ||
    c === 0x2e ||
    (c >= 0x30 && c <= 0x39);
  if (!maybe) return value;
  if (NULL.test(value)) return null;
  if (BOOL.test(value)) return c === 0x74 || c === 0x54;
  if (INT_OCT.test(value)) return Number.parseInt(value.substring(2), 8);
  if (INT.test(value)) return Number.parseInt(value, 10);
  if (INT_HEX.test(value)) return Number.parseInt(value.substring(2), 16);
  if (FLOAT_NAN.test(value))
    return value.slice(-3).toLowerCase() === "nan"
      ? Number.NaN
      : value[0] === "-"
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(value) || FLOAT.test(value)) return Number.parseFloat(value);
  return value;
}
