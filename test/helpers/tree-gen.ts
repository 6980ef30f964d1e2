// Generated troubleshooting trees for tests: the bench's shape at any size (questions in a chain,
// each with an end beside it), and random shapes from fast-check with every kind of problem.
import fc from "fast-check";
import {
  actionRuns,
  probeNames,
  probeOutcomes,
  type Tree,
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

/**
 * A tree of random shape over a few node ids, with references to ids that do not exist, nodes no
 * one reaches, loops with and without exits, empty remedies and answer lists, repeated answers.
 */
export function arbitraryTree(maxNodes = 12): fc.Arbitrary<Tree> {
  const ids = Array.from({ length: maxNodes }, (_, i) => `n${i}`);
  const ref = fc.constantFrom(...ids, "ghost", "gone");
  const value = fc.constantFrom("yes", "no", "maybe");
  const node: fc.Arbitrary<TreeNode> = fc.oneof(
    fc.record({
      kind: fc.constant("question" as const),
      text: fc.constant("Q?"),
      answers: fc.array(fc.record({ value, label: fc.constant("A"), next: ref }), { maxLength: 4 }),
    }),
    fc.record(
      {
        kind: fc.constant("probe" as const),
        probe: fc.constantFrom(...probeNames),
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
        text: fc.constant("Do"),
        run: fc.constantFrom(...actionRuns),
        next: ref,
      },
      { requiredKeys: ["kind", "text"] },
    ),
    fc.record({
      kind: fc.constant("end" as const),
      title: fc.constant("End"),
      remedy: fc.array(fc.constant("Step."), { maxLength: 2 }),
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
      start,
      branches,
      nodes: Object.fromEntries(order.slice(0, count).map((id, i) => [id, nodes[i] as TreeNode])),
    }));
}
