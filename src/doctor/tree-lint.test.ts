import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbitraryTree, chainTree, chainTreeYaml } from "../../test/helpers/tree-gen.js";
import { lintTreeBefore, lintTreeNaive } from "../../test/helpers/tree-lint-reference.js";
import { ConfigError } from "../errors.js";
import { lintTree, parseTree, stronglyConnected } from "./tree-lint.js";
import { probeOutcomes, type Tree } from "./tree-schema.js";

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
    // CPU time, least of five runs each, so load elsewhere on the machine counts little; 4 times
    // the nodes should take about 4 times as long, and quadratic work would take 16.
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
    const small = cpu(chainTree(5_000));
    const large = cpu(chainTree(20_000));
    expect(large / small).toBeLessThan(9);
  });

  it("reads, validates and lints in time that grows linearly with the tree", async () => {
    // CPU time, least of three runs each, so load elsewhere on the machine counts little; 4 times
    // the nodes should take about 4 times as long, and quadratic work would take 16.
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
    await cpu(chainTreeYaml(500)); // warm up
    const small = await cpu(chainTreeYaml(1_000));
    const large = await cpu(chainTreeYaml(4_000));
    expect(large / small).toBeLessThan(9);
  });
});
