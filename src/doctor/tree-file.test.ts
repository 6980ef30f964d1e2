import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { loadCheckedTree, readTreeSource } from "./tree-file.js";

const builtinPath = new URL("../../trees/default.yaml", import.meta.url).pathname;
const brokenPath = new URL("../../fixtures/trees/broken.yaml", import.meta.url).pathname;

describe("loadCheckedTree", () => {
  it("returns a clean tree", async () => {
    const tree = await loadCheckedTree(builtinPath);
    expect(tree.nodes[tree.start]?.kind).toBe("question");
  });

  it("refuses a tree with lint problems (exit 78), pointing at tree lint", async () => {
    const error = await loadCheckedTree(brokenPath).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/9 tree problems/);
    expect((error as ConfigError).hint).toMatch(/tree lint/);
  });

  it("names a missing file (exit 78)", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "rxportal-tree-")), "none.yaml");
    await expect(readTreeSource(missing)).rejects.toThrow(`${missing}: no such file.`);
    writeFileSync(missing, "version: 1\n");
    await expect(loadCheckedTree(missing)).rejects.toBeInstanceOf(ConfigError);
  });
});
