// End to end for the built-in tree as build-time data: the built binary lints it clean from the
// bundle, whose files carry the validated tree and not the YAML text; and a broken
// trees/default.yaml stops `npm run build` (run here on a copy of the sources), listing every problem.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/spawn.js";

const root = new URL("../..", import.meta.url).pathname;
const copy = mkdtempSync(join(tmpdir(), "rxportal-build-"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));
const jsFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".js"))
    .map((f) => join(dir, f));

describe("the built-in tree in the build", () => {
  it("the binary lints the bundled tree clean; no dist file holds the YAML text", async () => {
    const r = await runCli(["tree", "lint", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      file: "built-in tree (trees/default.yaml)",
      ok: true,
      languages: ["en", "es"],
      problems: [],
    });
    const firstComment = readFileSync(join(root, "trees", "default.yaml"), "utf8").split("\n")[0] as string;
    expect(firstComment.startsWith("# ")).toBe(true);
    for (const file of jsFiles(join(root, "dist")))
      expect(readFileSync(file, "utf8")).not.toContain(firstComment.slice(2));
  });

  it("a broken trees/default.yaml fails the build, naming each problem, and leaves no dist/", () => {
    for (const dir of ["src", "scripts", "trees", "fixtures"])
      cpSync(join(root, dir), join(copy, dir), { recursive: true });
    for (const file of ["package.json", "tsconfig.json"]) cpSync(join(root, file), join(copy, file));
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
    const tree = join(copy, "trees", "default.yaml");
    // A dangling reference (the start's first answer): a lint problem, not a schema error.
    const text = readFileSync(tree, "utf8");
    expect(text).toContain("        next: credentials\n");
    writeFileSync(tree, text.replace("        next: credentials\n", "        next: no-such-node\n"));
    const r = spawnSync(process.execPath, ["scripts/build.mjs"], {
      cwd: copy,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/trees\/default\.yaml: \d+ tree problems?:/);
    expect(r.stderr).toContain("no-such-node");
    expect(r.stderr).toMatch(/ start: dangling-reference: .*no-such-node/);
    expect(existsSync(join(copy, "dist"))).toBe(false);
  });
});
