// The bundle's loader (see src/boot.ts for why there is one): CommonJS's, for the bundle's own
// modules only. Each file of dist/ is a pack of modules (scripts/pack.mjs), and a relative
// require() between modules runs the module from the pack that holds it, reading that pack first
// if need be (once per module, cycles see partial exports, as in Node); anything else (Node's
// built-ins, @napi-rs/keyring) goes to Node's require(). After the run it writes the caches of the
// packs it compiled. This module is itself one of main.js's pack (the build puts it there), so it
// is compiled with main.js's cache; the launcher hands over main.js's table as it read it.
import { existsSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { type CompiledPack, compilePack, type Pack, removeOtherBuilds, type Wrapper } from "./code-cache.js";

interface Main {
  run(argv: string[], context: undefined, bundle: { dir: string }): Promise<number>;
}

/** How a pack file becomes its table: compiled here with a cache, or by Node's require(). */
type PackReader = (file: string) => Pack;

/**
 * Loads the bundle under `root`: files that are packs of CommonJS modules (scripts/pack.mjs),
 * compiled with a V8 code cache each, kept in `cacheDir`.
 */
export class CachedLoader {
  private readonly root: string;
  private readonly modules = new Map<string, { exports: unknown }>();
  /** Modules of the packs read so far that have not run yet, by absolute path. */
  private readonly waiting = new Map<string, Wrapper>();
  /** The packs compiled here that have a cache file, with the size of the cache V8 took (0: none). */
  private readonly compiled: Array<CompiledPack & { cacheFile: string }> = [];
  /** How many files V8 took from a cache, and how many it compiled from source. */
  readonly stats = { cached: 0, compiled: 0 };
  private readonly readPack: PackReader;

  constructor(
    root: string,
    /** undefined: no caches, neither read nor written. */
    private readonly cacheDir: string | undefined,
    /** Another way to read a pack (Node's require(), for RXPORTAL_CODE_CACHE=node). */
    readPack?: PackReader,
  ) {
    this.root = join(root);
    this.readPack = readPack ?? ((file) => this.compile(file));
  }

  private register(pack: Pack): void {
    for (const [name, fn] of Object.entries(pack)) {
      const path = `${this.root}${sep}${sep === "/" ? name : name.replaceAll("/", sep)}`;
      // A module in more than one pack runs once: the first copy read is the one kept.
      if (!this.modules.has(path) && !this.waiting.has(path)) this.waiting.set(path, fn);
    }
  }

  /** require() of one of the bundle's modules, by absolute path. */
  load(file: string): unknown {
    const known = this.modules.get(file);
    if (known) return known.exports;
    let wrapper = this.waiting.get(file);
    if (!wrapper) {
      // Not in a pack read so far: the module is its own pack's root.
      this.register(this.readPack(file));
      wrapper = this.waiting.get(file);
      if (!wrapper) throw new Error(`${file} is not in its own file`);
    }
    this.waiting.delete(file);
    const module = { exports: {} as unknown };
    // Known before it runs, so that a cycle gets the exports so far, as Node's require() does.
    this.modules.set(file, module);
    try {
      wrapper.call(module.exports, module.exports, this.requireFrom(file), module, file, dirname(file));
    } catch (error) {
      this.modules.delete(file);
      this.waiting.set(file, wrapper);
      throw error;
    }
    return module.exports;
  }

  /** Compiles a pack file, with its cache when there is a good one. */
  private compile(file: string): Pack {
    const { pack, compiled } = compilePack(this.root, file, this.cacheDir);
    this.count(compiled);
    return pack;
  }

  private count(compiled: CompiledPack): void {
    if (compiled.taken > 0) this.stats.cached++;
    else this.stats.compiled++;
    if (compiled.cacheFile) this.compiled.push({ ...compiled, cacheFile: compiled.cacheFile });
  }

  /**
   * A pack read before this loader existed (the launcher compiles main.js, which holds this
   * loader): its modules are this loader's to run, and its cache is written with the others.
   */
  adopt(file: string, pack: Pack, compiled?: CompiledPack): void {
    if (this.modules.has(file) || this.waiting.has(file)) return;
    this.register(pack);
    if (compiled) this.count(compiled);
  }

  private requireFrom(file: string): (id: string) => unknown {
    let nodeRequire: NodeJS.Require | undefined;
    const dir = dirname(file);
    return (id) => {
      // The bundle's own requires are "./chunk-X.js" or "./chunks/chunk-X.js": joined by hand, as
      // path.join's normalising shows in every start's profile.
      if (id.startsWith("./") && !id.includes("..") && !id.includes("/./") && !id.includes("//"))
        return this.load(`${dir}${sep}${sep === "/" ? id.slice(2) : id.slice(2).replaceAll("/", sep)}`);
      if (id.startsWith("./") || id.startsWith("../")) return this.load(join(dir, id));
      // Built-ins (all that bundled packages require) without a resolver; @napi-rs/keyring with one.
      const builtin = process.getBuiltinModule(id);
      if (builtin !== undefined) return builtin;
      // node:module only then: a run whose modules are all the bundle's never loads it.
      nodeRequire ??= (process.getBuiltinModule("node:module") as typeof import("node:module")).createRequire(
        file,
      );
      return nodeRequire(id);
    };
  }

  /**
   * Writes the caches of the packs compiled from source; call after the run, so that the code the
   * run compiled is in them. A cache holds the functions its first run compiled; one that another
   * way through the same pack would add to is made again, once per set of packs a run loads (a
   * marker file of that set says it was done): `contacts` then `contacts --json` fill one cache,
   * instead of the second compiling its own code on every run. Never fails.
   */
  async saveCaches(): Promise<void> {
    const cacheDir = this.cacheDir;
    if (!cacheDir || this.compiled.length === 0) return;
    try {
      const marker = join(
        cacheDir,
        `runs-${fnv1a(
          this.compiled
            .map((c) => c.name)
            .sort()
            .join("\0"),
        )}`,
      );
      const fresh = this.compiled.filter((c) => c.taken === 0);
      const known = existsSync(marker);
      if (fresh.length === 0 && known) return;
      const writes: Array<{ cacheFile: string; data: Buffer }> = [];
      for (const c of this.compiled.splice(0)) {
        if (c.taken > 0 && known) continue;
        const data = c.script.createCachedData();
        if (c.taken === 0 || data.length > c.taken) writes.push({ cacheFile: c.cacheFile, data });
      }
      // Written as rxportal writes every file: 0600 in a 0700 folder, complete or not at all (V8
      // does not check a cache's contents, only its header, so half a file must never be seen).
      // Imported here, not at start: only a run that writes caches needs the writer.
      const { ensurePrivateDir, writePrivateFile } = await import("./state/files.js");
      await ensurePrivateDir(dirname(cacheDir));
      removeOtherBuilds(cacheDir);
      // Side by side: each write waits for its own fsync.
      await Promise.all(writes.map(({ cacheFile, data }) => writePrivateFile(cacheFile, data)));
      if (!known) await writePrivateFile(marker, "");
    } catch {
      // A cache that cannot be written (read-only home, full disk) only costs speed.
    }
  }
}

/** FNV-1a, 32 bits, in hex: a short stable name for a set of packs (node:crypto is not loaded). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/** The launcher's call: runs the CLI from main.js's table, already read, and returns its exit code. */
export async function run(
  distDir: string,
  argv: string[],
  main: { pack: Pack; compiled?: CompiledPack },
  /** undefined: no caches. */
  cacheDir: string | undefined,
  /** Another way to read the other packs (Node's require(), for RXPORTAL_CODE_CACHE=node). */
  readPack?: PackReader,
): Promise<number> {
  const mainFile = join(distDir, "main.js");
  const loader = new CachedLoader(distDir, readPack ? undefined : cacheDir, readPack);
  loader.adopt(mainFile, main.pack, main.compiled);
  const code = await (loader.load(mainFile) as Main).run(argv, undefined, { dir: distDir });
  await loader.saveCaches();
  return code;
}
