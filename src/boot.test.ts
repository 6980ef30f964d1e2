import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheFileName, codeCacheFile, loadWithCodeCache } from "./boot.js";

let dir: string;
let file: string;
let cacheFile: string;

// A CommonJS file shaped like dist/main.js: requires a file beside it, exports a function.
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rxportal-boot-"));
  file = join(dir, "main.js");
  writeFileSync(join(dir, "helper.js"), "module.exports = { twice: (n) => n * 2 };\n");
  writeFileSync(
    file,
    [
      '"use strict";',
      'const { twice } = require("./helper.js");',
      "exports.run = (n) => twice(n) + 1;",
      "exports.where = () => new Error('here').stack;",
      "exports.name = require('node:path').basename(__filename);",
      "",
    ].join("\n"),
  );
  cacheFile = join(dir, "cache", "code-cache", cacheFileName("0123abcd", process.version, process.arch));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Exports = { run(n: number): number; where(): string; name: string };

describe("loadWithCodeCache", () => {
  it("loads the file as CommonJS: exports, require beside it, __filename", () => {
    const loaded = loadWithCodeCache<Exports>({ file, cacheFile: undefined });
    expect(loaded.exports.run(20)).toBe(41);
    expect(loaded.exports.name).toBe("main.js");
    expect(loaded.cacheUsed).toBe(false);
  });

  it("keeps the file's own line numbers in stack traces", () => {
    const loaded = loadWithCodeCache<Exports>({ file, cacheFile: undefined });
    expect(loaded.exports.where()).toContain(`${file}:4:`);
  });

  it("writes the cache after the first run, private, and uses it on the next", () => {
    const first = loadWithCodeCache<Exports>({ file, cacheFile });
    expect(first.cacheUsed).toBe(false);
    first.exports.run(1);
    first.saveCache();
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(cacheFile, "..")).mode & 0o777).toBe(0o700);
    const written = statSync(cacheFile).mtimeMs;

    const second = loadWithCodeCache<Exports>({ file, cacheFile });
    expect(second.cacheUsed).toBe(true);
    expect(second.exports.run(5)).toBe(11);
    second.saveCache();
    // An accepted cache is not written again.
    expect(statSync(cacheFile).mtimeMs).toBe(written);
  });

  it("treats a corrupt cache as none and replaces it", () => {
    mkdirSync(join(cacheFile, ".."), { recursive: true });
    writeFileSync(cacheFile, "not a V8 code cache at all");
    const loaded = loadWithCodeCache<Exports>({ file, cacheFile });
    expect(loaded.cacheUsed).toBe(false);
    expect(loaded.exports.run(2)).toBe(5);
    loaded.saveCache();
    expect(readFileSync(cacheFile, "utf8")).not.toBe("not a V8 code cache at all");
    expect(loadWithCodeCache<Exports>({ file, cacheFile }).cacheUsed).toBe(true);
  });

  // V8's own check (the source's length); a change of the same length gets another file name
  // (the build's hash), below.
  it("refuses a cache made for other code", () => {
    const other = join(dir, "other.js");
    writeFileSync(other, "exports.run = (n) => n * 100; exports.pad = 'xxxxxxxxxxxxxxxxxxxxxxxx';\n");
    const made = loadWithCodeCache<Exports>({ file: other, cacheFile });
    made.saveCache();
    const loaded = loadWithCodeCache<Exports>({ file, cacheFile });
    expect(loaded.cacheUsed).toBe(false);
    expect(loaded.exports.run(1)).toBe(3);
  });

  it("never fails a run over a cache it cannot write", () => {
    writeFileSync(join(dir, "cache"), "a file where the folder should be");
    const loaded = loadWithCodeCache<Exports>({ file, cacheFile });
    expect(() => loaded.saveCache()).not.toThrow();
    expect(loaded.exports.run(3)).toBe(7);
  });

  it("removes caches of other builds and keeps other Node versions' caches of this one", () => {
    const folder = join(cacheFile, "..");
    mkdirSync(folder, { recursive: true });
    const oldBuild = cacheFileName("ffff0000", process.version, process.arch);
    const otherNode = cacheFileName("0123abcd", "v99.0.0", process.arch);
    writeFileSync(join(folder, oldBuild), "old");
    writeFileSync(join(folder, otherNode), "other node");
    writeFileSync(join(folder, "unrelated.txt"), "not ours");
    loadWithCodeCache<Exports>({ file, cacheFile }).saveCache();
    expect(readdirSync(folder).sort()).toEqual(
      [cacheFileName("0123abcd", process.version, process.arch), otherNode, "unrelated.txt"].sort(),
    );
  });
});

describe("codeCacheFile", () => {
  it("names the build and the Node version, in the platform's cache folder", () => {
    const where = codeCacheFile({}, "0123abcd");
    expect(where).toMatch(/rxportal[/\\]code-cache[/\\]main-0123abcd-v\d+\.\d+\.\d+-\w+\.v8cache$/);
  });

  it("is off with RXPORTAL_CODE_CACHE=0", () => {
    expect(codeCacheFile({ RXPORTAL_CODE_CACHE: "0" }, "0123abcd")).toBeUndefined();
  });
});
