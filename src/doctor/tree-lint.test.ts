import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbitraryTree, chainTree, chainTreeYaml } from "../../test/helpers/tree-gen.js";
import { lintTreeBefore, lintTreeNaive } from "../../test/helpers/tree-lint-reference.js";
import { contactTopics } from "../contacts/types.js";
import { ConfigError } from "../errors.js";
import { endMentionsSupport, lintTree, parseTree, stronglyConnected } from "./tree-lint.js";
import { localizeTree } from "./tree-localize.js";
import { probeOutcomes, type Tree, type TreeFile } from "./tree-schema.js";
import { textsOf } from "./tree-shape.js";

// vitest does not know esbuild's text loader, so the built-in tree is read from disk here.
const builtinPath = new URL("../../trees/default.yaml", import.meta.url).pathname;
const brokenPath = new URL("../../fixtures/trees/broken.yaml", import.meta.url).pathname;
const load = (path: string) => parseTree(path, readFileSync(path, "utf8"));

describe("the built-in tree", () => {
  it("is valid and has no lint problems", async () => {
    const { tree, problems } = await load(builtinPath);
    expect([...problems, ...lintTree(tree)]).toEqual([]);
  });

  it("has every branch of the issue, and every end gives concrete steps", async () => {
    const { tree } = await load(builtinPath);
    expect(Object.keys(tree.branches).sort()).toEqual(
      [
        "app",
        "browser",
        "credentials",
        "lockout",
        "network",
        "outage",
        "reset",
        "support",
        "two-step",
      ].sort(),
    );
    for (const [id, node] of Object.entries(tree.nodes)) {
      if (node.kind === "end") expect(node.remedy.length, id).toBeGreaterThan(0);
    }
    const probes = new Set(Object.values(tree.nodes).flatMap((n) => (n.kind === "probe" ? [n.probe] : [])));
    expect([...probes].sort()).toEqual([
      "app-version",
      "clock",
      "dns",
      "last-code",
      "lockout",
      "mx",
      "oidc-clock",
      "oidc-discovery",
      "oidc-issuer",
      "oidc-jwks",
      "oidc-tls",
      "proxy",
      "status",
      "tcp",
      "tls",
    ]);
  });

  it("ends every random walk at an end node within the node count (property)", async () => {
    const { tree } = await load(builtinPath);
    const entries = [tree.start, ...Object.values(tree.branches)];
    const limit = Object.keys(tree.nodes).length;
    fc.assert(
      fc.property(
        fc.nat({ max: entries.length - 1 }),
        fc.array(fc.nat({ max: 1000 }), { minLength: limit, maxLength: limit }),
        (entry, choices) => {
          let id = entries[entry] as string;
          for (let step = 0; step < limit; step++) {
            const node = tree.nodes[id];
            if (!node) return false;
            if (node.kind === "end") return true;
            const pick = choices[step] as number;
            if (node.kind === "question")
              id = (node.answers[pick % node.answers.length] as { next: string }).next;
            else if (node.kind === "probe") id = node.next?.[probeOutcomes[pick % 3] as "ok"] as string;
            else id = node.next as string;
          }
          return tree.nodes[id]?.kind === "end";
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("tree lint", () => {
  it("reports every problem in the broken fixture, and nothing else", async () => {
    const { tree, problems } = await load(brokenPath);
    const all = [...problems, ...lintTree(tree)].map((p) => `${p.code} ${p.node}`).sort();
    expect(all).toEqual(
      [
        "duplicate-id dup",
        "dangling-reference branches.ghost",
        "dangling-reference start",
        "unreachable orphan",
        "cycle-without-exit loop-a",
        "no-remedy empty-end",
        "no-remedy stuck",
        "no-remedy half",
        "duplicate-answer start",
      ].sort(),
    );
  });

  it("reports a dangling start and allows a loop that has a way out", () => {
    const tree: Tree = {
      version: 1,
      start: "nope",
      branches: { retry: "ask" },
      nodes: {
        ask: {
          kind: "question",
          text: "Again?",
          answers: [
            { value: "yes", label: "Yes", next: "ask" },
            { value: "no", label: "No", next: "done" },
          ],
        },
        done: { kind: "end", title: "Done", remedy: ["Rest."] },
      },
    };
    expect(lintTree(tree).map((p) => `${p.code} ${p.node}`)).toEqual(["dangling-reference start"]);
  });

  it("turns schema errors into a ConfigError naming the file and key path", async () => {
    const text = "version: 1\nstart: a\nbranches: {}\nnodes:\n  a:\n    kind: probe\n    probe: ping\n";
    const error = await parseTree("t.yaml", text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).keyPath).toBe("nodes.a.probe");
    expect((error as ConfigError).message).toMatch(/^t\.yaml: nodes\.a\.probe: /);
    expect((error as ConfigError).exitCode).toBe(78);
  });

  it("says what a text may be, and which languages a map may have", async () => {
    const end = (title: string) =>
      `version: 1\nstart: a\nbranches: {}\nnodes:\n  a:\n    kind: end\n    title: ${title}\n    remedy: [x]\n`;
    await expect(parseTree("t.yaml", end("5"))).rejects.toThrow(
      "t.yaml: nodes.a.title: expected a text, or texts by language ({ en: ..., es: ... }), got 5.",
    );
    await expect(parseTree("t.yaml", end("{ en: Done, fr: Fini }"))).rejects.toThrow(
      /^t\.yaml: nodes\.a\.title\.fr: unknown key "fr" .*known keys: en, es/,
    );
    await expect(parseTree("t.yaml", `languages: [es]\n${end("Done")}`)).rejects.toThrow(
      /^t\.yaml: languages: expected a list of languages \(en, es\) that starts with en/,
    );
  });

  it("turns a YAML syntax error into a ConfigError", async () => {
    await expect(parseTree("t.yaml", "nodes: [unclosed")).rejects.toThrow(/t\.yaml: not valid YAML/);
  });

  it("finds strongly connected components", () => {
    const succ = new Map([
      ["a", ["b"]],
      ["b", ["a", "c"]],
      ["c", []],
    ]);
    expect(
      stronglyConnected(["a", "b", "c"], succ)
        .map((c) => c.join())
        .sort(),
    ).toEqual(["a,b", "c"]);
  });

  it("finds in random trees the same problems, in the same order, as the version before it numbered nodes", () => {
    fc.assert(
      fc.property(arbitraryTree(), (tree) => {
        expect(lintTree(tree)).toEqual(lintTreeBefore(tree));
      }),
      { numRuns: 600, seed: 21 },
    );
  });

  it("finds in random trees exactly the problems a naive reading of the definitions finds", () => {
    const key = (p: { code: string; node: string; message: string }) => `${p.code} ${p.node} ${p.message}`;
    fc.assert(
      fc.property(arbitraryTree(8), (tree) => {
        expect(lintTree(tree).map(key).sort()).toEqual(lintTreeNaive(tree).map(key).sort());
      }),
      { numRuns: 600, seed: 22 },
    );
  });

  it("lints in time that grows linearly with the tree", () => {
    // CPU time, least of five runs each, so load elsewhere on the machine counts little; 16 times
    // the nodes should take about 16 times as long, and quadratic work would take 256. The bound
    // sits well between them: on a loaded machine, caches and garbage collection have made linear
    // work read up to 3 times its share (27x for 8 times the nodes).
    const cpu = (tree: Tree) => {
      let least = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 5; run++) {
        const before = process.cpuUsage();
        expect(lintTree(tree)).toEqual([]);
        const used = process.cpuUsage(before);
        least = Math.min(least, used.user + used.system);
      }
      return least;
    };
    cpu(chainTree(2_000)); // warm up
    const small = cpu(chainTree(2_500));
    const large = cpu(chainTree(40_000));
    expect(large / small).toBeLessThan(80);
  });

  it("reads, validates and lints in time that grows linearly with the tree", async () => {
    // CPU time, least of three runs each, so load elsewhere on the machine counts little; 16 times
    // the nodes should take about 16 times as long, and quadratic work would take 256.
    const cpu = async (text: string) => {
      let least = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 3; run++) {
        const before = process.cpuUsage();
        const { tree } = await parseTree("t.yaml", text);
        expect(lintTree(tree)).toEqual([]);
        const used = process.cpuUsage(before);
        least = Math.min(least, used.user + used.system);
      }
      return least;
    };
    await cpu(chainTreeYaml(250)); // warm up
    const small = await cpu(chainTreeYaml(500));
    const large = await cpu(chainTreeYaml(8_000));
    expect(large / small).toBeLessThan(80);
  });
});

describe("tree lint: an end that sends the member to support names whom to call", () => {
  const endTree = (end: Record<string, unknown>): Tree =>
    ({
      version: 1,
      start: "e",
      branches: {},
      nodes: { e: { kind: "end", title: "Done", remedy: ["Rest."], ...end } },
    }) as Tree;
  const noContact = (tree: Tree) => lintTree(tree).filter((p) => p.code === "no-contact");

  // Phrasings a writer uses to send someone to a person (the built-in tree's own among them).
  const supportPhrases = [
    "call web support",
    "Call the portal's support line",
    "call technical support",
    "report it to support",
    "Call the pharmacy line",
    "calling us",
    "phone them",
    "the help desk",
    "our helpline",
    "the fraud hotline",
    "customer service",
    "Member Services",
    "contact the portal",
    "reach out",
    "tell the security or privacy team",
    "ask for the fraud team",
    "an agent can confirm who you are",
  ];
  // Text with no such phrase, near misses included.
  const neutralWords = [
    "Clear",
    "the cache",
    "your browser does not support JavaScript",
    "a so-called trusted device",
    "recall the username",
    "the phone's storage",
    "ask IT",
    "the command line",
    "supported",
    "supports",
    "restart",
    "a calendar",
    "Caller",
  ];
  /** A line of text: neutral phrases, kept whole (splitting "does not support" would change it). */
  const neutral = fc.array(fc.constantFrom(...neutralWords), { minLength: 1, maxLength: 6 });
  const phone = fc
    .tuple(
      fc.integer({ min: 200, max: 999 }),
      fc.integer({ min: 200, max: 999 }),
      fc.integer({ min: 0, max: 9999 }),
      fc.constantFrom("paren", "dash", "dot"),
    )
    .map(([a, b, c, style]) => {
      const last = String(c).padStart(4, "0");
      if (style === "paren") return `(${a}) ${b}-${last}`;
      return style === "dash" ? `${a}-${b}-${last}` : `${a}.${b}.${last}`;
    });
  /** An end whose title or one remedy line carries `phrase`, at a random place among neutral text. */
  const endWith = (phrase: fc.Arbitrary<string>) =>
    fc
      .record({
        title: neutral,
        remedy: fc.array(neutral, { minLength: 1, maxLength: 4 }),
        phrase,
        where: fc.nat(),
        at: fc.nat(),
      })
      .map(({ title, remedy, phrase: p, where, at }) => {
        const lines = [title, ...remedy].map((l) => [...l]);
        const line = lines[where % lines.length] as string[];
        line.splice(at % (line.length + 1), 0, p);
        const text = lines.map((l) => `${l.join(" ")}.`);
        return { title: text[0] as string, remedy: text.slice(1) };
      });

  it("fails an end that mentions support or a call but has no contacts topic or number, naming it (property)", () => {
    fc.assert(
      fc.property(endWith(fc.constantFrom(...supportPhrases)), (end) => {
        const found = noContact(endTree(end));
        expect(found).toHaveLength(1);
        expect(found[0]?.node).toBe("e");
        expect(found[0]?.message).not.toContain("\n");
        expect(found[0]?.message).toMatch(/names no line: add "contacts: <prescriptions\|/);
      }),
      { numRuns: 400, seed: 31 },
    );
  });

  it("passes the same ends once they have a contacts topic, or a phone number in a remedy line (property)", () => {
    fc.assert(
      fc.property(
        endWith(fc.constantFrom(...supportPhrases)),
        fc.constantFrom(...contactTopics),
        phone,
        fc.boolean(),
        (end, topic, number, byTopic) => {
          const named = byTopic
            ? { ...end, contacts: topic }
            : { ...end, remedy: [...end.remedy, `The line is ${number}.`] };
          expect(noContact(endTree(named))).toEqual([]);
        },
      ),
      { numRuns: 400, seed: 32 },
    );
  });

  it("leaves alone ends that send nobody anywhere, near misses included (property)", () => {
    fc.assert(
      fc.property(endWith(fc.constantFrom(...neutralWords)), (end) => {
        expect(noContact(endTree(end))).toEqual([]);
      }),
      { numRuns: 300, seed: 33 },
    );
  });

  it("catches the two ends of the earlier built-in tree that said to call without naming a line", async () => {
    const before = endTree({});
    before.nodes = {
      e: {
        kind: "end",
        title: "Try the website instead",
        remedy: ["If the website fails too, run `rxportal status`, or call technical support."],
      },
      o: {
        kind: "end",
        title: "The portal has a problem on its side",
        remedy: ["For an urgent refill, call the pharmacy line."],
      },
    };
    before.branches = { outage: "o" };
    expect(noContact(before).map((p) => p.node)).toEqual(["e", "o"]);
  });

  it("every end of the built-in tree that says to call support lists the contacts for it", async () => {
    const { tree } = await load(builtinPath);
    for (const [id, node] of Object.entries(tree.nodes)) {
      if (node.kind === "end" && endMentionsSupport(node)) expect(node.contacts, id).toBeDefined();
    }
  });
});

describe("tree lint: unknown keys in a node", () => {
  const nodeWith = (node: string) =>
    `version: 1\nstart: a\nbranches: {}\nnodes:\n  a:\n${node
      .split("\n")
      .map((l) => `    ${l}`)
      .join("\n")}\n`;

  it("suggests only keys of that node's kind (no 'did you mean \"text\"' for text on an end)", async () => {
    const error = await parseTree("t.yaml", nodeWith("kind: end\ntitle: T\nremedy: [x]\ntext: hi")).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^t\.yaml: nodes\.a\.text: unknown key "text"/);
    expect(message).not.toMatch(/did you mean "text"/);
    expect(message).toContain("known keys: kind, title, remedy, contacts, severity");
  });

  it("still suggests the closest key of the node's own kind", async () => {
    const question = nodeWith("kind: question\ntext: T\nanswers: []\ntitel: hi");
    await expect(parseTree("t.yaml", question)).rejects.toThrow(
      /unknown key "titel" \(check its spelling; known keys: kind, text, help, answers\)/,
    );
    const end = nodeWith("kind: end\ntitle: T\nremedy: [x]\ntitel: hi");
    await expect(parseTree("t.yaml", end)).rejects.toThrow(/unknown key "titel"; did you mean "title"\?/);
    const answer = nodeWith("kind: question\ntext: T\nanswers:\n  - { value: a, lable: A, next: a }");
    await expect(parseTree("t.yaml", answer)).rejects.toThrow(
      /nodes\.a\.answers\[0\]\.lable: unknown key "lable"; did you mean "label"\?/,
    );
  });
});

describe("tree lint: every text in each language the tree declares (missing-language, undeclared-language)", () => {
  type Slot = {
    node: string;
    field: string;
    holder: Record<string, unknown> | unknown[];
    key: string | number;
  };
  /** Every text of a tree, where it sits (for editing it), named as the lint names it. */
  const slotsOf = (tree: TreeFile): Slot[] =>
    Object.entries(tree.nodes).flatMap(([node, n]) =>
      textsOf(n).map(({ field }) => {
        const remedy = /^remedy\[(\d+)\]$/.exec(field);
        const answer = /^answers\[(\d+)\]\.label$/.exec(field);
        const holder = remedy
          ? (n as { remedy: unknown[] }).remedy
          : answer
            ? ((n as { answers: Record<string, unknown>[] }).answers[Number(answer[1])] as Record<
                string,
                unknown
              >)
            : (n as unknown as Record<string, unknown>);
        const key = remedy ? Number(remedy[1]) : answer ? "label" : field;
        return { node, field, holder, key };
      }),
    );
  const languageProblems = (tree: TreeFile) =>
    lintTree(tree).filter((p) => p.code === "missing-language" || p.code === "undeclared-language");
  const withSlot = (languages: fc.Arbitrary<TreeFile["languages"]>) =>
    arbitraryTree(8, languages)
      .filter((tree) => slotsOf(tree).length > 0)
      .chain((tree) => fc.tuple(fc.constant(tree), fc.nat({ max: slotsOf(tree).length - 1 }), fc.boolean()));

  it("passes every generated tree whose texts have exactly its languages (property)", () => {
    let bilingual = 0;
    fc.assert(
      fc.property(arbitraryTree(8), (tree) => {
        if (tree.languages?.includes("es")) bilingual++;
        expect(languageProblems(tree)).toEqual([]);
      }),
      { numRuns: 400, seed: 31 },
    );
    expect(bilingual).toBeGreaterThan(50);
  });

  it("fails a tree declaring es when one text lacks es, naming that node, field and language (property)", () => {
    fc.assert(
      fc.property(withSlot(fc.constant(["en", "es"])), ([generated, at, plain]) => {
        const tree = structuredClone(generated);
        const slot = slotsOf(tree)[at] as Slot;
        const text = (slot.holder as Record<string | number, { en: string; es?: string }>)[slot.key];
        // Either the es side goes, or the text becomes a plain (English) string.
        if (plain) (slot.holder as Record<string | number, unknown>)[slot.key] = text?.en;
        else delete text?.es;
        const problems = languageProblems(tree);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({ code: "missing-language", node: slot.node });
        expect(problems[0]?.message).toContain(slot.field);
        expect(problems[0]?.message).toMatch(plain ? /plain \(English\) text.*en, es/ : /has no es text/);
      }),
      { numRuns: 400, seed: 32 },
    );
  });

  it("fails a tree declaring only en when one text has es, naming that node and field (property)", () => {
    fc.assert(
      fc.property(withSlot(fc.constantFrom(undefined, ["en"])), ([generated, at]) => {
        const tree = structuredClone(generated);
        const slot = slotsOf(tree)[at] as Slot;
        const holder = slot.holder as Record<string | number, unknown>;
        const text = holder[slot.key];
        holder[slot.key] = { en: typeof text === "string" ? text : (text as { en: string }).en, es: "Hola" };
        const problems = languageProblems(tree);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({ code: "undeclared-language", node: slot.node });
        expect(problems[0]?.message).toContain(`${slot.field} has a es text`);
      }),
      { numRuns: 300, seed: 33 },
    );
  });

  it("names the node, the field and each missing language, and passes a plain tree", () => {
    const tree: TreeFile = {
      version: 1,
      languages: ["en", "es"],
      start: "q",
      branches: {},
      nodes: {
        q: {
          kind: "question",
          text: { en: "Ok?", es: "¿Bien?" },
          answers: [
            { value: "yes", label: { en: "Yes", es: "Sí" }, next: "e" },
            { value: "no", label: { es: "No" }, next: "e" },
          ],
        },
        e: { kind: "end", title: "Done", remedy: [{ en: "Rest.", es: "Descanse." }] },
      },
    };
    expect(languageProblems(tree)).toEqual([
      {
        code: "missing-language",
        node: "q",
        message: "answers[1].label has no en text (the tree declares en, es)",
      },
      {
        code: "missing-language",
        node: "e",
        message:
          "title is a plain (English) text, but the tree declares en, es: give it as { en: ..., es: ... }",
      },
    ]);
    const { languages: _, ...plain } = tree;
    expect(languageProblems(localizeTree(plain, "en"))).toEqual([]);
  });

  it("the built-in tree declares en and es, and every text has both", async () => {
    const { tree } = await load(builtinPath);
    expect(tree.languages).toEqual(["en", "es"]);
    const texts = Object.values(tree.nodes).flatMap((n) => textsOf(n).map((t) => t.text));
    expect(texts.length).toBeGreaterThan(300);
    for (const text of texts) expect(Object.keys(text)).toEqual(["en", "es"]);
    expect(languageProblems(tree)).toEqual([]);
  });
});
