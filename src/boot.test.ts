import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PACK_START } from "../scripts/pack.mjs";
import { cacheDirName, codeCacheDir, enableNodeCompileCache } from "./boot.js";
import { compilePack } from "./code-cache.js";
import { CachedLoader } from "./loader.js";

let root: string;
let main: string;
let cacheDir: string;

/** A pack of CommonJS modules, as scripts/pack.mjs writes them. */
const pack = (modules: Record<string, string>) =>
  `${PACK_START}\n${Object.entries(modules)
    .map(
      ([name, code]) =>
        `${JSON.stringify(name)}: function (exports, require, module, __filename, __dirname) {\n${code}},\n`,
    )
    .join("")}};\n`;

const mainModule = [
  '"use strict";',
  'const a = require("./chunks/a.js");',
  "exports.run = (n) => a.twice(n) + 1;",
  "exports.where = () => new Error('here').stack;",
  "exports.name = require('node:path').basename(__filename);",
  "exports.again = () => require('./chunks/a.js') === a;",
  "exports.fromB = a.fromB;",
  "",
].join("\n");

// Packs shaped like dist/: main.js requires a module of another pack (which requires a third, in a
// cycle back to the first) and a Node built-in, and exports functions.
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "rxportal-boot-"));
  mkdirSync(join(root, "chunks"));
  main = join(root, "main.js");
  writeFileSync(
    join(root, "chunks", "a.js"),
    pack({
      "chunks/a.js":
        'exports.early = 1;\nconst b = require("./b.js");\nexports.twice = (n) => n * 2;\nexports.fromB = b.seen;\n',
    }),
  );
  writeFileSync(
    join(root, "chunks", "b.js"),
    pack({ "chunks/b.js": 'exports.seen = require("./a.js").early;\n' }),
  );
  writeFileSync(main, pack({ "main.js": mainModule }));
  cacheDir = join(root, "cache", "code-cache", cacheDirName("0123abcd", process.version, process.arch));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

type Exports = {
  run(n: number): number;
  where(): string;
  name: string;
  again(): boolean;
  fromB: number;
};

const load = (dir: string | undefined) => {
  const loader = new CachedLoader(root, dir);
  return { loader, exports: loader.load(main) as Exports };
};

// The launcher compiles main.js itself (with its cache) and hands its table to the loader it
// holds: the loader runs main.js's modules from that table and writes main.js's cache with the rest.
const adopted = (dir: string | undefined) => {
  const read = compilePack(root, main, dir);
  const loader = new CachedLoader(root, dir);
  loader.adopt(main, read.pack, read.compiled);
  return { loader, exports: loader.load(main) as Exports, taken: read.compiled.taken };
};

describe("compilePack", () => {
  it("takes a pack's text as it is, under vm and under require() alike", async () => {
    const { createRequire } = await import("node:module");
    const viaRequire = createRequire(main)(main) as Record<string, unknown>;
    const viaScript = compilePack(root, main, undefined).pack;
    expect(Object.keys(viaScript)).toEqual(["main.js"]);
    expect(Object.keys(viaRequire)).toEqual(Object.keys(viaScript));
  });

  it("refuses a file that is not a pack, naming it", () => {
    const file = join(root, "not-a-pack.js");
    writeFileSync(file, "42;\n");
    expect(() => compilePack(root, file, undefined)).toThrow(
      `${file} is not a pack: rebuild with npm run build`,
    );
  });
});

describe("CachedLoader with main.js read by the launcher", () => {
  it("runs main.js from the table it was given, not a second read", () => {
    const { loader, exports } = adopted(undefined);
    expect(exports.run(20)).toBe(41);
    expect(exports.again()).toBe(true);
    // main.js once (the launcher's compile), a.js and b.js by the loader.
    expect(loader.stats).toEqual({ cached: 0, compiled: 3 });
    // A second adopt of the same file changes nothing.
    loader.adopt(main, compilePack(root, main, undefined).pack);
    expect(loader.load(main)).toBe(exports);
  });

  it("writes main.js's cache with the others, and the next launch takes it", async () => {
    const first = adopted(cacheDir);
    expect(first.taken).toBe(0);
    await first.loader.saveCaches();
    expect(
      readdirSync(cacheDir)
        .filter((f) => f.endsWith(".v8cache"))
        .sort(),
    ).toEqual(["chunks_a.js.v8cache", "chunks_b.js.v8cache", "main.js.v8cache"]);
    const second = adopted(cacheDir);
    expect(second.taken).toBeGreaterThan(0);
    expect(second.loader.stats).toEqual({ cached: 3, compiled: 0 });
    expect(second.exports.run(1)).toBe(3);
  });
});

describe("CachedLoader", () => {
  it("loads CommonJS as Node does: exports, require beside the file, built-ins, __filename", () => {
    const { exports } = load(undefined);
    expect(exports.run(20)).toBe(41);
    expect(exports.name).toBe("main.js");
  });

  it("loads each file once, and a cycle sees the exports so far", () => {
    const { exports } = load(undefined);
    expect(exports.again()).toBe(true);
    expect(exports.fromB).toBe(1);
  });

  it("keeps the file's own line numbers in stack traces", () => {
    const { exports } = load(undefined);
    // The pack's first two lines, then the module's own fourth line.
    expect(exports.where()).toContain(`${main}:6:`);
  });

  it("runs a pack's modules only when required, and a module in two packs once", () => {
    const log: string[] = [];
    (globalThis as { rxportalBootTest?: string[] }).rxportalBootTest = log;
    const say = (name: string) => `globalThis.rxportalBootTest.push(${JSON.stringify(name)});\n`;
    writeFileSync(
      main,
      pack({
        "main.js": `${say("main")}exports.later = () => require("./chunks/later.js").shared;\n`,
        "chunks/unused.js": say("unused"),
      }),
    );
    // later.js's pack holds the shared module; so does other.js's, read after it.
    writeFileSync(
      join(root, "chunks", "later.js"),
      pack({
        "chunks/later.js": `${say("later")}exports.shared = require("./shared.js");\n`,
        "chunks/shared.js": `${say("shared")}exports.n = Math.random();\n`,
      }),
    );
    writeFileSync(
      join(root, "chunks", "other.js"),
      pack({
        "chunks/other.js": `${say("other")}exports.shared = require("./shared.js");\n`,
        "chunks/shared.js": `${say("shared copy")}exports.n = -1;\n`,
      }),
    );
    const loader = new CachedLoader(root, undefined);
    const exports = loader.load(main) as { later(): { n: number } };
    expect(log).toEqual(["main"]);
    const shared = exports.later();
    const other = loader.load(join(root, "chunks", "other.js")) as { shared: { n: number } };
    expect(other.shared).toBe(shared);
    expect(shared.n).toBeGreaterThanOrEqual(0);
    expect(log).toEqual(["main", "later", "shared", "other"]);
    delete (globalThis as { rxportalBootTest?: string[] }).rxportalBootTest;
  });

  it("runs a module again after it threw, and says which file lacks its module", () => {
    writeFileSync(
      main,
      pack({
        "main.js":
          'exports.tries = (globalThis.rxportalBootTries = (globalThis.rxportalBootTries ?? 0) + 1);\nif (exports.tries === 1) throw new Error("first");\n',
      }),
    );
    const loader = new CachedLoader(root, undefined);
    expect(() => loader.load(main)).toThrow("first");
    expect((loader.load(main) as { tries: number }).tries).toBe(2);
    delete (globalThis as { rxportalBootTries?: number }).rxportalBootTries;
    writeFileSync(join(root, "chunks", "c.js"), pack({ "chunks/d.js": "" }));
    expect(() => loader.load(join(root, "chunks", "c.js"))).toThrow(
      `${join(root, "chunks", "c.js")} is not in its own file`,
    );
  });

  it("writes private caches after the first run and uses them on the next", async () => {
    const first = load(cacheDir);
    expect(first.loader.stats).toEqual({ cached: 0, compiled: 3 });
    first.exports.run(1);
    await first.loader.saveCaches();
    const [marker, ...caches] = readdirSync(cacheDir).sort((x, y) =>
      x.startsWith("runs-") ? -1 : x.localeCompare(y),
    );
    expect(caches).toEqual(["chunks_a.js.v8cache", "chunks_b.js.v8cache", "main.js.v8cache"]);
    // That this set of packs has been through saveCaches: an empty file.
    expect(marker).toMatch(/^runs-[0-9a-f]{8}$/);
    expect(readFileSync(join(cacheDir, marker as string), "utf8")).toBe("");
    expect(statSync(join(cacheDir, "main.js.v8cache")).mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(cacheDir, "..")).mode & 0o777).toBe(0o700);
    const written = statSync(join(cacheDir, "main.js.v8cache")).mtimeMs;

    const second = load(cacheDir);
    expect(second.loader.stats).toEqual({ cached: 3, compiled: 0 });
    expect(second.exports.run(5)).toBe(11);
    await second.loader.saveCaches();
    // An accepted cache is not written again.
    expect(statSync(join(cacheDir, "main.js.v8cache")).mtimeMs).toBe(written);
  });

  it("makes a cache again when a run through other packs compiled more of it, once", async () => {
    // main.js has a function only the second way through it calls (with chunks/c.js loaded too).
    writeFileSync(
      main,
      pack({
        "main.js": `${mainModule}exports.other = () => { const c = require("./chunks/c.js"); let t = 0; for (let i = 0; i < 10; i++) t += c.k * i; return [1, 2, 3].map((x) => x * t).reduce((a, b) => a + b, 0); };\n`,
      }),
    );
    writeFileSync(join(root, "chunks", "c.js"), pack({ "chunks/c.js": "exports.k = 2;\n" }));
    const first = load(cacheDir);
    first.exports.run(1);
    await first.loader.saveCaches();
    const mainCache = join(cacheDir, "main.js.v8cache");
    const size = statSync(mainCache).size;

    const second = load(cacheDir);
    expect((second.exports as unknown as { other(): number }).other()).toBe(540);
    await second.loader.saveCaches();
    expect(statSync(mainCache).size).toBeGreaterThan(size);
    expect(readdirSync(cacheDir).filter((f) => f.startsWith("runs-"))).toHaveLength(2);
    const grown = statSync(mainCache).mtimeMs;

    const third = load(cacheDir);
    (third.exports as unknown as { other(): number }).other();
    expect(third.loader.stats).toEqual({ cached: 4, compiled: 0 });
    await third.loader.saveCaches();
    expect(statSync(mainCache).mtimeMs).toBe(grown);
  });

  it("treats a corrupt cache as none and replaces it", async () => {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, "main.js.v8cache"), "not a V8 code cache at all");
    const first = load(cacheDir);
    expect(first.loader.stats.cached).toBe(0);
    expect(first.exports.run(2)).toBe(5);
    await first.loader.saveCaches();
    expect(readFileSync(join(cacheDir, "main.js.v8cache"), "utf8")).not.toBe("not a V8 code cache at all");
    expect(load(cacheDir).loader.stats).toEqual({ cached: 3, compiled: 0 });
  });

  // V8's own check (the source's length); a change of the same length is in another folder (the
  // build's hash), below.
  it("refuses a cache made for other code", async () => {
    await load(cacheDir).loader.saveCaches();
    writeFileSync(main, pack({ "main.js": "exports.run = (n) => n * 100;\n" }));
    const loader = new CachedLoader(root, cacheDir);
    expect((loader.load(main) as Exports).run(1)).toBe(100);
    expect(loader.stats).toEqual({ cached: 0, compiled: 1 });
  });

  it("never fails a run over caches it cannot write", async () => {
    writeFileSync(join(root, "cache"), "a file where the folder should be");
    const { loader, exports } = load(cacheDir);
    await expect(loader.saveCaches()).resolves.toBeUndefined();
    expect(exports.run(3)).toBe(7);
  });

  it("removes other builds' caches and keeps this build's for other Node versions", async () => {
    const parent = join(cacheDir, "..");
    const oldBuild = join(parent, cacheDirName("ffff0000", process.version, process.arch));
    const otherNode = join(parent, cacheDirName("0123abcd", "v99.0.0", process.arch));
    mkdirSync(oldBuild, { recursive: true });
    mkdirSync(otherNode, { recursive: true });
    writeFileSync(join(oldBuild, "main.js.v8cache"), "old");
    writeFileSync(join(parent, "unrelated.txt"), "not ours");
    await load(cacheDir).loader.saveCaches();
    expect(readdirSync(parent).sort()).toEqual(
      [
        cacheDirName("0123abcd", process.version, process.arch),
        "unrelated.txt",
        cacheDirName("0123abcd", "v99.0.0", process.arch),
      ].sort(),
    );
  });
});

describe("codeCacheDir", () => {
  it("names the build and the Node version, in the platform's cache folder", () => {
    expect(codeCacheDir({}, "0123abcd")).toMatch(/rxportal[/\\]code-cache[/\\]0123abcd-v\d+\.\d+\.\d+-\w+$/);
  });

  it("is off with RXPORTAL_CODE_CACHE=0", () => {
    expect(codeCacheDir({ RXPORTAL_CODE_CACHE: "0" }, "0123abcd")).toBeUndefined();
  });
});

describe("enableNodeCompileCache (RXPORTAL_CODE_CACHE=node)", () => {
  const ENABLED = 1;
  const fakeApi = (status: number) => {
    const dirs: string[] = [];
    return {
      dirs,
      api: {
        constants: { compileCacheStatus: { ENABLED } },
        enableCompileCache: (dir: string) => {
          dirs.push(dir);
          return { status };
        },
      },
    };
  };

  it("makes the folder 0700 (and its parent), removes other builds' caches, hands it to Node", () => {
    const dir = `${cacheDir}-node`;
    const oldBuild = join(cacheDir, "..", `${cacheDirName("ffff0000", process.version, process.arch)}-node`);
    mkdirSync(oldBuild, { recursive: true });
    const { api, dirs } = fakeApi(ENABLED);
    expect(enableNodeCompileCache(dir, api)).toBe(true);
    expect(dirs).toEqual([dir]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "..")).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, ".."))).toEqual([basename(dir)]);
  });

  it("is off on a Node without the API, when Node refuses, and when the folder cannot be made", () => {
    expect(enableNodeCompileCache(`${cacheDir}-node`, {})).toBe(false);
    writeFileSync(join(root, "cache"), "a file where the folder should be");
    const { api, dirs } = fakeApi(ENABLED);
    expect(enableNodeCompileCache(`${cacheDir}-node`, api)).toBe(false);
    expect(dirs).toEqual([]);
    rmSync(join(root, "cache"));
    expect(enableNodeCompileCache(`${cacheDir}-node`, fakeApi(0).api)).toBe(false);
  });
});
