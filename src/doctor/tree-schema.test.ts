import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbitraryTree } from "../../test/helpers/tree-gen.js";
import { edgesOf, TreeSchema } from "./tree-schema.js";
import { checkTreeQuickly } from "./tree-shape.js";

const minimal = {
  version: 1,
  start: "q",
  branches: { main: "q" },
  nodes: {
    q: { kind: "question", text: "Ok?", answers: [{ value: "yes", label: "Yes", next: "p" }] },
    p: { kind: "probe", probe: "dns", next: { ok: "a", problem: "e", unknown: "e" } },
    a: { kind: "action", text: "Reset", run: "reset", next: "e" },
    e: { kind: "end", title: "Done", remedy: ["Rest."], contacts: "website", severity: "info" },
  },
};

describe("TreeSchema", () => {
  it("accepts every node kind", () => {
    const tree = TreeSchema.parse(minimal);
    expect(edgesOf(tree.nodes.p as never)).toEqual([
      { label: "ok", to: "a" },
      { label: "problem", to: "e" },
      { label: "unknown", to: "e" },
    ]);
  });

  it.each([
    ["an unknown probe", { p: { kind: "probe", probe: "ping" } }, ["nodes", "p", "probe"]],
    ["an unknown action", { a: { kind: "action", text: "x", run: "format-disk" } }, ["nodes", "a", "run"]],
    ["an unknown kind", { x: { kind: "maybe" } }, ["nodes", "x", "kind"]],
    ["an unknown key", { e: { kind: "end", title: "t", remedy: [], colour: "red" } }, ["nodes", "e"]],
    ["a bad node id", { "Bad Id": { kind: "end", title: "t", remedy: [] } }, ["nodes", "Bad Id"]],
    [
      "an unknown contacts topic",
      { e: { kind: "end", title: "t", remedy: [], contacts: "pizza" } },
      ["nodes", "e", "contacts"],
    ],
  ])("rejects %s", (_, nodes, path) => {
    const result = TreeSchema.safeParse({ ...minimal, nodes: { ...minimal.nodes, ...nodes } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it("accepts texts as plain strings or maps by language, and a languages list", () => {
    const tree = TreeSchema.parse({
      ...minimal,
      languages: ["en", "es"],
      nodes: {
        ...minimal.nodes,
        q: {
          kind: "question",
          text: { en: "Ok?", es: " ¿Bien? " },
          help: "Plain.",
          answers: [{ value: "yes", label: { es: "Sí", en: "Yes" }, next: "p" }],
        },
      },
    });
    expect(tree.languages).toEqual(["en", "es"]);
    // Trimmed, and in the schema's key order (en, es) whatever the file's order.
    expect(JSON.stringify(tree.nodes.q)).toBe(
      JSON.stringify({
        kind: "question",
        text: { en: "Ok?", es: "¿Bien?" },
        help: "Plain.",
        answers: [{ value: "yes", label: { en: "Yes", es: "Sí" }, next: "p" }],
      }),
    );
    expect(checkTreeQuickly(tree)).toEqual(tree);
  });

  it.each([
    ["a language it does not know", { languages: ["en", "fr"] }, ["languages", 1]],
    ["languages that do not start with en", { languages: ["es", "en"] }, ["languages"]],
    ["a language listed twice", { languages: ["en", "es", "es"] }, ["languages"]],
  ])("rejects %s", (_, top, path) => {
    const result = TreeSchema.safeParse({ ...minimal, ...top });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
    expect(checkTreeQuickly({ ...minimal, ...top })).toBeUndefined();
  });

  it("rejects a text map with an unknown language or an empty text", () => {
    for (const title of [{ en: "t", fr: "x" }, { en: "t", es: "  " }, { en: 1 }]) {
      const data = { ...minimal, nodes: { ...minimal.nodes, e: { kind: "end", title, remedy: [] } } };
      expect(TreeSchema.safeParse(data).success, JSON.stringify(title)).toBe(false);
      expect(checkTreeQuickly(data)).toBeUndefined();
    }
  });

  it("rejects another version", () => {
    expect(TreeSchema.safeParse({ ...minimal, version: 2 }).success).toBe(false);
  });
});

describe("checkTreeQuickly", () => {
  // Trees of random shape with a few random edits: a value replaced, a key added or removed.
  const junk = fc.constantFrom<unknown>(
    " ",
    "",
    "  padded  ",
    "Bad Id",
    "ok",
    1,
    1.5,
    null,
    true,
    [],
    {},
    ["x"],
    {
      kind: "end",
    },
    "dns",
    "reset",
    "info",
    "website",
    "question",
    "probe",
    "action",
    "end",
    "n0",
    // Texts by language, and languages lists, right and wrong.
    { en: "Hi" },
    { en: "Hi", es: "Hola" },
    { es: "Hola" },
    { en: "Hi", es: " " },
    { en: "Hi", fr: "Salut" },
    { en: 1 },
    "es",
    ["en"],
    ["en", "es"],
    ["es", "en"],
    ["en", "en"],
    ["en", "fr"],
  );
  const edit = fc.tuple(
    fc.nat(),
    fc.constantFrom("replace", "add", "remove"),
    junk,
    fc.constantFrom(
      "extra",
      "help",
      "text",
      "next",
      "run",
      "severity",
      "contacts",
      "kind",
      "version",
      "languages",
      "label",
      "title",
      "en",
      "es",
    ),
  );
  const edited = fc
    .tuple(arbitraryTree(), fc.array(edit, { maxLength: 3 }), fc.boolean())
    .map(([tree, edits, pad]) => {
      const data = JSON.parse(JSON.stringify(tree)) as unknown;
      if (pad) {
        // Whitespace around texts, in every language, which the schema trims.
        for (const node of Object.values(
          (data as { nodes: Record<string, Record<string, unknown>> }).nodes,
        )) {
          if (typeof node.text === "string") node.text = ` ${node.text}\n`;
          else if (node.text && typeof node.text === "object")
            for (const [lang, t] of Object.entries(node.text))
              (node.text as Record<string, string>)[lang] = ` ${t}\n`;
        }
      }
      for (const [at, op, value, key] of edits) {
        const holders: Record<string, unknown>[] = [];
        const visit = (v: unknown) => {
          if (v && typeof v === "object") {
            holders.push(v as Record<string, unknown>);
            for (const child of Object.values(v)) visit(child);
          }
        };
        visit(data);
        const holder = holders[at % holders.length] as Record<string, unknown>;
        const keys = Object.keys(holder);
        const target = keys.length ? (keys[at % keys.length] as string) : key;
        // A copy: fast-check hands the same junk object to several edits.
        if (op === "replace") holder[target] = structuredClone(value);
        else if (op === "add") holder[key] = structuredClone(value);
        else delete holder[target];
      }
      return data;
    });

  it("gives back exactly what TreeSchema gives for every tree it accepts, and accepts every one TreeSchema does", () => {
    let accepted = 0;
    let bilingual = 0;
    fc.assert(
      fc.property(edited, (data) => {
        const quick = checkTreeQuickly(data);
        const parsed = TreeSchema.safeParse(data);
        expect(quick !== undefined).toBe(parsed.success);
        if (quick !== undefined) {
          accepted++;
          if (JSON.stringify(quick).includes('"es":')) bilingual++;
          // Key order too: `tree export --format json` prints the tree as it is.
          expect(JSON.stringify(quick)).toBe(JSON.stringify(parsed.data));
          expect(isDeepStrictEqual(quick, parsed.data)).toBe(true);
        }
      }),
      { numRuns: 3000, seed: 41 },
    );
    expect(accepted).toBeGreaterThan(300);
    // Texts by language among them, not only plain strings.
    expect(bilingual).toBeGreaterThan(100);
  });

  it("accepts the minimal tree of every kind as the schema gives it", () => {
    expect(checkTreeQuickly(minimal)).toEqual(TreeSchema.parse(minimal));
    expect(checkTreeQuickly({ ...minimal, extra: 1 })).toBeUndefined();
  });
});
