// End to end: tree lint, tree export and check-link through the built binary.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinTree } from "../../src/doctor/builtin-tree.js";
import { localizeTree } from "../../src/doctor/tree-localize.js";
import { runCli, tempHome } from "../helpers/spawn.js";

const broken = new URL("../../fixtures/trees/broken.yaml", import.meta.url).pathname;

describe("rxportal tree and check-link (built binary)", () => {
  it("lints the bundled built-in tree clean (no trees/ folder needed at run time)", async () => {
    const r = await runCli(["tree", "lint"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/built-in tree .*: OK, \d+ nodes .*, \d+ branches, in en, es\.\n$/);
  });

  it("exits 78 listing every problem of a broken tree, one per line with the node id", async () => {
    const r = await runCli(["tree", "lint", broken]);
    expect(r.code).toBe(78);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(9);
    for (const node of ["dup", "branches.ghost", "orphan", "loop-a", "empty-end", "stuck", "half", "start"])
      expect(r.stdout).toContain(`${broken}: ${node}: `);
    expect(r.stderr).toMatch(/9 problems/);
  });

  it("lint --json gives one document with the problems", async () => {
    const r = await runCli(["tree", "lint", broken, "--json"]);
    expect(r.code).toBe(78);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    // A tree that declares no languages is in English.
    expect(doc.languages).toEqual(["en"]);
    expect(doc.problems).toHaveLength(9);
  });

  it("exits 78 naming the file and key path for a schema error", async () => {
    const file = join(tempHome(), "bad.yaml");
    writeFileSync(file, "version: 1\nstart: a\nbranches: {}\nnodes:\n  a:\n    kind: end\n    title: x\n");
    const r = await runCli(["tree", "lint", file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`${file}: nodes.a.remedy: expected array`);
    expect(r.stdout).toBe("");
  });

  it("exits 78 for an end that says to call support but names no line, one line naming the node", async () => {
    const file = join(tempHome(), "no-contact.yaml");
    const end = (id: string, extra: string) =>
      `  ${id}:\n    kind: end\n    title: Still stuck\n${extra}    remedy:\n      - If it still fails, call technical support.\n`;
    writeFileSync(
      file,
      "version: 1\nstart: ask\nbranches: {}\nnodes:\n  ask:\n    kind: question\n    text: Which?\n    answers:\n" +
        "      - { value: a, label: A, next: bare }\n      - { value: b, label: B, next: named }\n" +
        end("bare", "") +
        end("named", "    contacts: website\n"),
    );
    const r = await runCli(["tree", "lint", file]);
    expect(r.code).toBe(78);
    expect(r.stdout.trim().split("\n")).toEqual([
      `${file}: bare: no-contact: end tells the member to call or contact support but names no line: add "contacts: <prescriptions|benefits|registration|website|security>" or a phone number`,
    ]);
    expect(r.stderr).toMatch(/^rxportal: 1 problem in /);
    // doctor refuses to walk such a tree, naming the node.
    const walk = await runCli(["doctor", "--tree", file, "--answer", "ask=b"]);
    expect(walk.code).toBe(78);
    expect(walk.stderr).toMatch(/1 tree problem, first: bare: end tells the member to call/);
  });

  it("exports DOT, Mermaid and JSON", async () => {
    const dot = await runCli(["tree", "export", "--format", "dot"]);
    expect(dot.code).toBe(0);
    expect(dot.stdout.startsWith("digraph")).toBe(true);
    const mermaid = await runCli(["tree", "export"]);
    expect(mermaid.stdout.startsWith("flowchart TD")).toBe(true);
    const json = await runCli(["tree", "export", "--format", "json"]);
    expect(JSON.parse(json.stdout).version).toBe(1);
    expect((await runCli(["tree", "export", "--format", "svg"])).code).toBe(64);
  });

  it("export --lang draws the tree's texts in that language; without it, the run's language", async () => {
    const es = localizeTree(builtinTree, "es");
    const en = localizeTree(builtinTree, "en");
    const json = await runCli(["tree", "export", "--format", "json", "--lang", "es"]);
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(es);
    const start = (tree: typeof es) => (tree.nodes.start as { text: string }).text;
    const [mermaidEs, mermaidEn, byLocale, flagWins] = await Promise.all([
      runCli(["tree", "export", "--lang", "es"]),
      runCli(["tree", "export", "--lang", "en"], { env: { LANG: "es_US.UTF-8" } }),
      runCli(["tree", "export", "--format", "dot"], { env: { LANG: "es_US.UTF-8" } }),
      runCli(["tree", "export", "--format", "dot", "--lang", "en"], { env: { RXPORTAL_LANG: "es" } }),
    ]);
    expect(mermaidEs.stdout).toContain(`n_start{"${start(es)}"}`);
    expect(mermaidEs.stdout).not.toContain(start(en));
    expect(mermaidEn.stdout).toContain(`n_start{"${start(en)}"}`);
    expect(byLocale.stdout).toContain(`label="${start(es)}"`);
    expect(flagWins.stdout).toContain(`label="${start(en)}"`);
    const bad = await runCli(["tree", "export", "--lang", "fr"]);
    expect(bad.code).toBe(64);
  });

  it("check-link: exit 1 for a look-alike, 0 for the official host, 64 for no URL", async () => {
    const bad = await runCli([
      "--profile",
      "express-scripts",
      "check-link",
      "https://express-scripts.com.account-verify.example/reset",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^Suspicious/);
    const good = await runCli([
      "--profile",
      "express-scripts",
      "check-link",
      "https://www.express-scripts.com/reset",
      "--json",
    ]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      verdict: "safe",
      officialHost: "www.express-scripts.com",
    });
    const none = await runCli(["check-link", "not a link"]);
    expect(none.code).toBe(64);
  });

  it("shows examples in help", async () => {
    for (const args of [
      ["tree", "lint", "--help"],
      ["tree", "export", "--help"],
      ["check-link", "--help"],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Examples:");
    }
  });
});
