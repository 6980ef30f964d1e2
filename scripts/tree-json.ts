// The built-in tree's compiler, shared by the build (scripts/build.mjs) and the tests
// (vitest.config.ts): trees/default.yaml is parsed, validated with the tree schema and linted here,
// once, and the bundle carries the result as JSON, so no run parses YAML for the built-in tree. A
// tree with any problem fails the build, naming each problem.
import { readFileSync } from "node:fs";
import { lintTree, parseTree } from "../src/doctor/tree-lint.js";

/** The tree file's validated data as a JSON text; throws naming every problem. */
export async function compileTree(file: string, text: string = readFileSync(file, "utf8")): Promise<string> {
  const { tree, problems } = await parseTree(file, text);
  const all = [...problems, ...lintTree(tree)];
  if (all.length) {
    throw new Error(
      `${file}: ${all.length} tree problem${all.length === 1 ? "" : "s"}:\n` +
        all.map((p) => `  ${p.node}: ${p.code}: ${p.message}`).join("\n"),
    );
  }
  return JSON.stringify(tree);
}
