import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbitraryTree } from "../../test/helpers/tree-gen.js";
import { builtinTree } from "./builtin-tree.js";
import { localizeText, localizeTree } from "./tree-localize.js";
import { edgesOf } from "./tree-schema.js";
import { textsOf } from "./tree-shape.js";

describe("localizeTree", () => {
  it("gives the built-in tree in Spanish: every text a plain string, the es side of the file's", () => {
    const es = localizeTree(builtinTree, "es");
    expect(Object.keys(es.nodes)).toEqual(Object.keys(builtinTree.nodes));
    let count = 0;
    for (const [id, node] of Object.entries(builtinTree.nodes)) {
      const local = es.nodes[id];
      if (!local) throw new Error(`${id} is missing`);
      const want = textsOf(node);
      const got = textsOf(local);
      expect(got.map((t) => t.field)).toEqual(want.map((t) => t.field));
      for (const [i, { field, text }] of got.entries()) {
        const source = want[i]?.text as { en: string; es: string };
        expect(typeof text, `${id}.${field}`).toBe("string");
        expect(text, `${id}.${field}`).toBe(source.es);
        count++;
      }
      // Ids, values and next are the same in every language.
      expect(edgesOf(local)).toEqual(edgesOf(node));
    }
    expect(count).toBeGreaterThan(300);
  });

  it("gives the built-in tree in English as the en side, with no languages key", () => {
    const en = localizeTree(builtinTree, "en");
    expect("languages" in en).toBe(false);
    expect(en.nodes.start).toMatchObject({ kind: "question", text: "What happens when you try to sign in?" });
    expect(localizeTree(builtinTree, "es").nodes.start).toMatchObject({
      text: "¿Qué pasa cuando intenta iniciar sesión?",
    });
  });

  it("falls back to English for a tree that declares only en", () => {
    expect(localizeText("Hello", "es")).toBe("Hello");
    expect(localizeText({ en: "Hello" }, "es")).toBe("Hello");
    expect(localizeText({ en: "Hello", es: "Hola" }, "es")).toBe("Hola");
    expect(localizeText({ es: "Hola" }, "en")).toBe("Hola");
  });

  it("keeps every key, in order, and leaves a plain tree as it was but for languages (property)", () => {
    fc.assert(
      fc.property(arbitraryTree(), fc.constantFrom("en" as const, "es" as const), (tree, lang) => {
        const local = localizeTree(tree, lang);
        for (const [id, node] of Object.entries(local.nodes)) {
          const source = tree.nodes[id];
          if (!source) throw new Error(`${id} is missing`);
          expect(Object.keys(node)).toEqual(Object.keys(source));
          for (const { text } of textsOf(node)) expect(typeof text).toBe("string");
          const texts = textsOf(source).map(({ text }) =>
            typeof text === "string" ? text : lang === "es" && text.es !== undefined ? text.es : text.en,
          );
          expect(textsOf(node).map((t) => t.text)).toEqual(texts);
        }
        const { languages: _, ...rest } = tree;
        const plain = JSON.parse(
          JSON.stringify(rest, (_key, value) =>
            value && typeof value === "object" && !Array.isArray(value) && "en" in value && !("kind" in value)
              ? value.en
              : value,
          ),
        );
        if (lang === "en") expect(JSON.stringify(local)).toBe(JSON.stringify(plain));
      }),
      { numRuns: 300, seed: 51 },
    );
  });
});
