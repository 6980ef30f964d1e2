// scripts/pack.mjs against generated bundles: random graphs of modules with imports (a require()
// at the top) and import()s (a require() in a function), small and large, cycles included. Packed,
// then loaded with the real loader (src/loader.ts) as a run would, every module reachable from
// main.js must load, with its own exports, exactly once.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { INLINE_LIMIT, packBundle } from "../../scripts/pack.mjs";
import { compilePack } from "../../src/code-cache.js";
import { CachedLoader } from "../../src/loader.js";
import { cases } from "../helpers/cases.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Graph {
  size: number;
  statics: Array<[number, number]>;
  dynamics: Array<[number, number]>;
  large: boolean[];
}

const name = (i: number) => (i === 0 ? "main.js" : `chunks/m${i}.js`);
// As esbuild writes them: main.js requires "./chunks/mN.js", a chunk "./mN.js".
const id = (from: number, to: number) => (from === 0 ? `./${name(to)}` : `./m${to}.js`);

function writeBundle(g: Graph): string {
  const dir = mkdtempSync(join(tmpdir(), "rxportal-pack-"));
  dirs.push(dir);
  mkdirSync(join(dir, "chunks"));
  for (let i = 0; i < g.size; i++) {
    const statics = g.statics.filter(([a, b]) => a === i && b !== 0).map(([, b]) => b);
    const dynamics = g.dynamics.filter(([a, b]) => a === i && b !== 0).map(([, b]) => b);
    const code = [
      `globalThis.rxportalPackTest.push(${i});`,
      ...[...new Set(statics)].map((b) => `var import_m${b} = require(${JSON.stringify(id(i, b))});`),
      `exports.id = ${i};`,
      // What the module reaches: its imports' exports, then its import()s, required now.
      `exports.later = () => [${[
        ...[...new Set(statics)].map((b) => `import_m${b}`),
        ...dynamics.map((b) => `require(${JSON.stringify(id(i, b))})`),
      ].join(", ")}];`,
      g.large[i] ? `// ${"x".repeat(INLINE_LIMIT)}` : "",
      `//# sourceMappingURL=${name(i).replace(/.*\//, "")}.map`,
      "",
    ].join("\n");
    writeFileSync(join(dir, name(i)), code);
    writeFileSync(
      join(dir, `${name(i)}.map`),
      JSON.stringify({ version: 3, sources: [`src/m${i}.ts`], mappings: "" }),
    );
  }
  return dir;
}

const graphs = fc.integer({ min: 1, max: 9 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    statics: fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { maxLength: size * 2 }),
    dynamics: fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { maxLength: size * 2 }),
    large: fc.array(
      fc.nat(3).map((n) => n === 0),
      { minLength: size, maxLength: size },
    ),
  }),
);

function reachable(g: Graph): Set<number> {
  const seen = new Set([0]);
  const todo = [0];
  while (todo.length > 0) {
    const a = todo.pop() as number;
    for (const [x, b] of [...g.statics, ...g.dynamics])
      if (x === a && b !== 0 && !seen.has(b)) {
        seen.add(b);
        todo.push(b);
      }
  }
  return seen;
}

describe("packBundle", () => {
  it("loads every reachable module once, with its exports, after packing", async () => {
    await fc.assert(
      fc.asyncProperty(graphs, async (g) => {
        const dir = writeBundle(g);
        const files = Array.from({ length: g.size }, (_, i) => name(i));
        const left = await packBundle(dir, files);
        expect(left[0]).toBe("main.js");
        const log: number[] = [];
        (globalThis as { rxportalPackTest?: number[] }).rxportalPackTest = log;
        type Exports = { id: number; later(): Exports[] };
        const loader = new CachedLoader(dir, undefined);
        const seen = new Map<number, Exports>();
        const todo = [loader.load(join(dir, "main.js")) as Exports];
        while (todo.length > 0) {
          const e = todo.pop() as Exports;
          if (seen.has(e.id)) {
            expect(seen.get(e.id)).toBe(e);
            continue;
          }
          seen.set(e.id, e);
          todo.push(...e.later());
        }
        expect(new Set(log)).toEqual(reachable(g));
        expect(log.length).toBe(new Set(log).size);
        for (const i of seen.keys()) expect(log).toContain(i);
        // Only packs are left, each with a section of its map per module, at the module's line.
        const onDisk = [
          "main.js",
          ...readdirSync(join(dir, "chunks"))
            .filter((f) => f.endsWith(".js"))
            .map((f) => `chunks/${f}`),
        ];
        expect(onDisk.sort()).toEqual([...left].sort());
        for (const file of left) {
          const lines = readFileSync(join(dir, file), "utf8").split("\n");
          const { sections } = JSON.parse(readFileSync(join(dir, `${file}.map`), "utf8")) as {
            sections: Array<{ offset: { line: number }; map: { sources: string[] } }>;
          };
          for (const s of sections) {
            const module = Number(/m(\d+)\.ts$/.exec(s.map.sources[0] as string)?.[1]);
            expect(lines[s.offset.line]).toBe(`globalThis.rxportalPackTest.push(${module});`);
          }
        }
      }),
      { numRuns: cases(150) },
    );
    delete (globalThis as { rxportalPackTest?: number[] }).rxportalPackTest;
  });

  it("puts an intoMain file in main.js's pack, whatever the graph, and leaves no file of its own", async () => {
    await fc.assert(
      fc.asyncProperty(graphs, async (g) => {
        const dir = writeBundle(g);
        // A file nothing requires, standing for the loader (scripts/build.mjs).
        writeFileSync(join(dir, "loader.js"), "exports.loader = true;\n//# sourceMappingURL=loader.js.map\n");
        writeFileSync(
          join(dir, "loader.js.map"),
          JSON.stringify({ version: 3, sources: ["src/loader.ts"], mappings: "" }),
        );
        const files = [...Array.from({ length: g.size }, (_, i) => name(i)), "loader.js"];
        const left = await packBundle(dir, files, { intoMain: ["loader.js"] });
        expect(left).not.toContain("loader.js");
        expect(readdirSync(dir).filter((f) => f.startsWith("loader.js"))).toEqual([]);
        const main = compilePack(dir, join(dir, "main.js"), undefined).pack;
        expect(Object.keys(main)).toContain("loader.js");
        const module = { exports: {} as { loader?: boolean } };
        main["loader.js"]?.call(module.exports, module.exports, () => undefined, module, "", "");
        expect(module.exports.loader).toBe(true);
        // main.js's own modules are all still there, first.
        expect(Object.keys(main)[0]).toBe("main.js");
      }),
      { numRuns: cases(50) },
    );
  });

  it("fails the build when a module requires a file the build did not write", async () => {
    const dir = writeBundle({ size: 2, statics: [[0, 1]], dynamics: [], large: [false, false] });
    rmSync(join(dir, "chunks", "m1.js"));
    await expect(packBundle(dir, ["main.js"])).rejects.toThrow(
      "main.js requires chunks/m1.js, which the build did not write",
    );
  });
});
