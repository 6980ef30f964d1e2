// The build's tree compiler (scripts/tree-json.ts): what it emits is the validated tree, and a
// tree with any problem stops the build, naming each problem.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileTree } from "../../scripts/tree-json.js";
import { builtinTree } from "../../src/doctor/builtin-tree.js";
import { parseTree } from "../../src/doctor/tree-lint.js";

const builtinPath = new URL("../../trees/default.yaml", import.meta.url).pathname;
const brokenPath = new URL("../../fixtures/trees/broken.yaml", import.meta.url).pathname;

describe("compileTree", () => {
  it("emits the schema's output for trees/default.yaml, which is what the bundle carries", async () => {
    const json = JSON.parse(await compileTree(builtinPath));
    const { tree } = await parseTree(builtinPath, readFileSync(builtinPath, "utf8"));
    expect(json).toEqual(tree);
    expect(builtinTree).toEqual(tree);
  });

  it("refuses a tree with lint problems, listing every one", async () => {
    const error = await compileTree(brokenPath).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const lines = (error as Error).message.split("\n");
    expect(lines[0]).toBe(`${brokenPath}: 9 tree problems:`);
    expect(lines).toHaveLength(10);
  });

  it("refuses a tree the schema rejects, and text that is not YAML", async () => {
    await expect(compileTree("t.yaml", "version: 1\n")).rejects.toThrow(/^t\.yaml: /);
    await expect(compileTree("t.yaml", "nodes: [\n")).rejects.toThrow(/not valid YAML/);
  });
});
