// Generated YAML texts for comparing two readers: documents of random shape written in random
// styles (block and flow, plain, quoted and block scalars, comments), with a little noise that
// often makes them invalid; and runs of raw fragments that are mostly not YAML at all.
import fc from "fast-check";

const words = [
  "a",
  "b",
  "c",
  "id-1",
  "kind",
  "1",
  "2.5",
  "0x10",
  "0o7",
  "-0",
  "+1",
  "1e5",
  ".inf",
  "true",
  "null",
  "~",
  "yes",
  "No",
  "toString",
  "constructor",
  "__proto__",
  "x y",
  "a:b",
  "a #b",
  "-x",
  "?x",
  "'q'",
  '"d"',
  "multi\nline",
  "p\n\nq",
  "  in\n    dent",
  "t\n",
  "trail ",
  " lead",
  "💊",
  "é",
  "",
  "k: v",
  "[x]",
  "{y}",
  "a,b",
  "*",
  "&",
  "!",
  "%",
  "@",
  "|",
  ">",
  "#",
  "\\",
  '"',
  "'",
];

type Value = { t: "s"; v: string } | { t: "m"; items: [string, Value][] } | { t: "l"; items: Value[] };

const value: fc.Arbitrary<Value> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ t: fc.constant("s" as const), v: fc.constantFrom(...words) }),
    fc.record({
      t: fc.constant("m" as const),
      items: fc.array(fc.tuple(fc.constantFrom(...words), tie("v") as fc.Arbitrary<Value>), { maxLength: 4 }),
    }),
    fc.record({
      t: fc.constant("l" as const),
      items: fc.array(tie("v") as fc.Arbitrary<Value>, { maxLength: 4 }),
    }),
  ),
})).v;

function scalar(s: string, pick: () => number, flow: boolean): string {
  const k = pick() % 5;
  if (k === 0) return JSON.stringify(s);
  if (k === 1) return `'${s.replace(/'/g, "''")}'`;
  if (k === 2 && !flow && pick() % 2)
    return `${pick() % 2 ? "|" : ">"}${["", "-", "+"][pick() % 3]}\n${s
      .split("\n")
      .map((line) => `  ${line}`)
      .join("\n")}`;
  return s; // plain: often not valid as it stands, which is part of the point
}

function render(v: Value, indent: number, pick: () => number, flow: boolean): string {
  const pad = " ".repeat(indent);
  if (v.t === "s") return scalar(v.v, pick, flow);
  if (flow || pick() % 4 === 0) {
    if (v.t === "m")
      return `{${v.items.map(([k, x]) => `${scalar(k, pick, true)}: ${render(x, 0, pick, true)}`).join(", ")}}`;
    return `[${v.items.map((x) => render(x, 0, pick, true)).join(", ")}]`;
  }
  if (v.items.length === 0) return v.t === "m" ? "{}" : "[]";
  const step = 1 + (pick() % 3);
  if (v.t === "m")
    return `\n${v.items
      .map(
        ([k, x]) =>
          `${pad}${scalar(k, pick, true)}:${x.t === "s" || pick() % 3 === 0 ? " " : ""}${render(x, indent + step, pick, false)}${pick() % 7 === 0 ? " # c" : ""}`,
      )
      .join("\n")}`;
  return `\n${v.items.map((x) => `${pad}- ${render(x, indent + step, pick, false).replace(/^\n\s*/, "")}`).join("\n")}`;
}

/** A document of random shape and style, sometimes with a character or two of noise. */
export const arbitraryYamlDocument: fc.Arbitrary<string> = fc
  .tuple(
    value,
    fc.array(fc.nat(99), { minLength: 64, maxLength: 64 }),
    fc.array(
      fc.tuple(
        fc.nat(2000),
        fc.constantFrom("", " ", "\n", ":", "-", "\t", "'", '"', "#", "  ", "[", "{", "}", "]", ","),
      ),
      { maxLength: 2 },
    ),
  )
  .map(([v, choices, noise]) => {
    let i = 0;
    const pick = () => choices[i++ % choices.length] as number;
    let text = render(v, 0, pick, false).replace(/^\n/, "");
    for (const [at, ch] of noise) {
      const p = at % (text.length + 1);
      text = text.slice(0, p) + ch + text.slice(p + (ch === "" ? 1 : 0));
    }
    return text;
  });

/** A run of YAML's raw pieces: indicators, markers, directives, tags, anchors, scalars of every type. */
export const arbitraryYamlFragments: fc.Arbitrary<string> = fc
  .array(
    fc.constantFrom(
      "a",
      "key",
      "1",
      "0x1F",
      "0o17",
      "-0",
      "+5",
      "1.50",
      "1e3",
      ".inf",
      "-.Inf",
      ".nan",
      "~",
      "null",
      "true",
      "False",
      "yes",
      '"q"',
      "'s'",
      '"a\\nb"',
      "'it''s'",
      ":",
      ": ",
      " ",
      "  ",
      "\n",
      "\n  ",
      "- ",
      "-",
      "[",
      "]",
      "{",
      "}",
      ", ",
      "#c",
      " #c",
      "|",
      "|-",
      "|1",
      ">",
      ">+",
      "? ",
      "&x ",
      "*x",
      "!!str ",
      "!t ",
      "---\n",
      " ---",
      "...\n",
      "%YAML 1.1\n",
      "\t",
      "x y",
      "a:b",
      '"',
      "'",
      "@",
      "__proto__",
      "\r\n",
      "\ufeff",
      "💊",
      "1_000",
      "0b1",
      "012",
      "TRUE",
      "tRue",
      "<<",
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(""));
