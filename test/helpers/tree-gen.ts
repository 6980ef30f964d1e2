// Generated troubleshooting trees for tests: the bench's shape at any size (questions in a chain,
// each with an end beside it), and random shapes from fast-check with every kind of problem.
import fc from "fast-check";
import {
  actionRuns,
  type LocalizedText,
  probeNames,
  probeOutcomes,
  type Tree,
  type TreeFile,
  type TreeFileNode,
  type TreeNode,
} from "../../src/doctor/tree-schema.js";

/** The YAML text of a chain of n/2 questions, each with an end beside it (n nodes, lint-clean). */
export function chainTreeYaml(n: number): string {
  const half = Math.max(1, Math.floor(n / 2));
  const lines = ["version: 1", "start: q0", "branches:", "  main: q0", "nodes:"];
  for (let i = 0; i < half; i++) {
    const next = i < half - 1 ? `q${i + 1}` : `e${i}`;
    lines.push(
      `  q${i}:`,
      "    kind: question",
      `    text: Generated question ${i}?`,
      "    answers:",
      `      - { value: "yes", label: "Yes", next: ${next} }`,
      `      - { value: "no", label: "No", next: e${i} }`,
      `  e${i}:`,
      "    kind: end",
      `    title: Generated end ${i}`,
      "    severity: info",
      "    remedy:",
      `      - Remedy ${i}.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The same tree as data. */
export function chainTree(n: number): Tree {
  const half = Math.max(1, Math.floor(n / 2));
  const nodes: Record<string, TreeNode> = {};
  for (let i = 0; i < half; i++) {
    const next = i < half - 1 ? `q${i + 1}` : `e${i}`;
    nodes[`q${i}`] = {
      kind: "question",
      text: `Generated question ${i}?`,
      answers: [
        { value: "yes", label: "Yes", next },
        { value: "no", label: "No", next: `e${i}` },
      ],
    };
    nodes[`e${i}`] = { kind: "end", title: `Generated end ${i}`, severity: "info", remedy: [`Remedy ${i}.`] };
  }
  return { version: 1, start: "q0", branches: { main: "q0" }, nodes };
}

/** What a generated tree's languages may be: none declared, `[en]`, or `[en, es]`. */
export const arbitraryLanguages = fc.constantFrom<TreeFile["languages"]>(undefined, ["en"], ["en", "es"]);

/**
 * A tree of random shape over a few node ids, with references to ids that do not exist, nodes no
 * one reaches, loops with and without exits, empty remedies and answer lists, repeated answers.
 * Its texts have exactly the languages it declares: {en, es} maps when it declares es, else plain
 * strings or {en} maps; so it has every kind of graph problem and never a language problem.
 */
export function arbitraryTree(
  maxNodes = 12,
  languages: fc.Arbitrary<TreeFile["languages"]> = arbitraryLanguages,
): fc.Arbitrary<TreeFile> {
  return languages.chain((langs) => treeIn(maxNodes, langs));
}

function treeIn(maxNodes: number, languages: TreeFile["languages"]): fc.Arbitrary<TreeFile> {
  const ids = Array.from({ length: maxNodes }, (_, i) => `n${i}`);
  const ref = fc.constantFrom(...ids, "ghost", "gone");
  const value = fc.constantFrom("yes", "no", "maybe");
  // A new map each time: tests edit one text, and a shared object would change many.
  const text = (en: string, es: string): fc.Arbitrary<LocalizedText> =>
    languages?.includes("es")
      ? fc.constant(null).map(() => ({ en, es }))
      : fc.boolean().map((plain) => (plain ? en : { en }));
  const node: fc.Arbitrary<TreeFileNode> = fc.oneof(
    fc.record(
      {
        kind: fc.constant("question" as const),
        text: text("Q?", "¿P?"),
        help: text("Help.", "Ayuda."),
        answers: fc.array(fc.record({ value, label: text("A", "R"), next: ref }), { maxLength: 4 }),
      },
      { requiredKeys: ["kind", "text", "answers"] },
    ),
    fc.record(
      {
        kind: fc.constant("probe" as const),
        probe: fc.constantFrom(...probeNames),
        text: text("Look.", "Mire."),
        next: fc.record(
          Object.fromEntries(probeOutcomes.map((o) => [o, ref])) as Record<string, typeof ref>,
          {
            requiredKeys: [],
          },
        ),
      },
      { requiredKeys: ["kind", "probe"] },
    ),
    fc.record(
      {
        kind: fc.constant("action" as const),
        text: text("Do", "Haga"),
        run: fc.constantFrom(...actionRuns),
        next: ref,
      },
      { requiredKeys: ["kind", "text"] },
    ),
    fc.record({
      kind: fc.constant("end" as const),
      title: text("End", "Fin"),
      remedy: fc.array(text("Step.", "Paso."), { maxLength: 2 }),
    }),
  );
  return fc
    .record({
      count: fc.integer({ min: 1, max: maxNodes }),
      nodes: fc.array(node, { minLength: maxNodes, maxLength: maxNodes }),
      start: ref,
      branches: fc.dictionary(fc.constantFrom("a", "b", "c"), ref, { maxKeys: 3 }),
      order: fc.shuffledSubarray(ids, { minLength: maxNodes, maxLength: maxNodes }),
    })
    .map(({ count, nodes, start, branches, order }) => ({
      version: 1 as const,
      ...(languages ? { languages } : {}),
      start,
      branches,
      nodes: Object.fromEntries(order.slice(0, count).map((id, i) => [id, nodes[i] as TreeFileNode])),
    }));
}
