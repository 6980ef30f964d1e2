// End to end: RXPORTAL_CODE_CACHE=node runs the built binary with Node's own compile cache (the
// bench compares it with rxportal's loader, src/loader.ts). Where Node has none (Node 20), the same
// run works and writes nothing.
import { existsSync, readdirSync, statSync } from "node:fs";
import * as nodeModule from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempHome } from "../helpers/spawn.js";

const hasApi = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === "function";
const cacheRoot = (home: string) => join(home, ".cache", "rxportal", "code-cache");
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();

describe("RXPORTAL_CODE_CACHE=node (built binary)", () => {
  it.runIf(hasApi)(
    "the first run writes Node's cache in a private folder; the second writes nothing",
    async () => {
      const home = tempHome();
      const env = { RXPORTAL_CODE_CACHE: "node" };
      const first = await runCli(["contacts", "--enrollee", "medicare", "--json"], { home, env });
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      const [folder, ...others] = readdirSync(cacheRoot(home));
      expect(others).toEqual([]);
      expect(folder).toMatch(/^[0-9a-f]{16}-v[\d.]+-\w+-node$/);
      const dir = join(cacheRoot(home), folder as string);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(cacheRoot(home)).mode & 0o777).toBe(0o700);
      const files = filesUnder(dir);
      expect(files.length).toBeGreaterThan(1);
      for (const f of files) expect(statSync(f).mode & 0o777).toBe(0o600);
      const before = files.map((f) => statSync(f).mtimeMs);

      const second = await runCli(["contacts", "--enrollee", "medicare", "--json"], { home, env });
      expect(second.code).toBe(0);
      expect(second.stdout).toBe(first.stdout);
      expect(second.stderr).toBe(first.stderr);
      expect(filesUnder(dir)).toEqual(files);
      expect(files.map((f) => statSync(f).mtimeMs)).toEqual(before);
    },
  );

  it.runIf(!hasApi)("without Node's compile cache (Node 20) the run works and writes nothing", async () => {
    const home = tempHome();
    const r = await runCli(["contacts", "--enrollee", "medicare", "--json"], {
      home,
      env: { RXPORTAL_CODE_CACHE: "node" },
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toBeTruthy();
    expect(existsSync(cacheRoot(home)) ? filesUnder(cacheRoot(home)) : []).toEqual([]);
  });
});
