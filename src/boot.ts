// Start-up (bin/rxportal.js → dist/boot.js → dist/main.js). Every run starts with the same code
// (commander, the command table, the context), and parsing and compiling it is a large part of a
// run's own start-up. So the bundle's files are compiled with V8 code caches kept in the user's
// cache folder: a run writes the caches of the files it compiled, later runs skip the parsing and
// compiling.
// Why not Node's own cache (module.enableCompileCache, Node 22.1 and later): Node makes a file's
// cache right after compiling it, before it runs, so it holds only the top-level code; the
// bundle's code sits inside esbuild's module functions, which V8 compiles lazily, as they run.
// This loader makes its caches after the run, with every function the run compiled. Node's cache
// stays available as RXPORTAL_CODE_CACHE=node, so that `npm run bench` can keep comparing the two
// (the figures, and the decision, are in the bench's output, not here).
// The loader is CommonJS's, for the bundle's own modules only: each file of dist/ is a pack of
// modules (scripts/pack.mjs), and a relative require() between modules runs the module from the
// pack that holds it, reading that pack first if need be (once per module, cycles see partial
// exports, as in Node); anything else (Node's built-ins, @napi-rs/keyring) goes to Node's require().
// A cache holds compiled program code only (the bundle's functions and their literals), never
// anything a run reads or types. Anything wrong with one (missing, corrupt, from another Node or
// another build, a folder that cannot be written) only means the code is compiled as usual.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, sep } from "node:path";
import { Script } from "node:vm";
import envPaths from "env-paths";

/** A hash of the bundle's files, written in by the build: a cache made for other code is never used. */
declare const __BUNDLE_HASH__: string;

interface Main {
  run(argv: string[]): Promise<number>;
}

// The wrapper sits on a line of its own, so that line and column numbers in stack traces are the
// file's own (lineOffset -1).
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname) {\n";
const WRAPPER_END = "\n})";

type Wrapper = (
  exports: unknown,
  require: (id: string) => unknown,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

/** A file of the bundle: its modules, by path from the bundle's folder (scripts/pack.mjs). */
type Pack = Record<string, Wrapper>;

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
  private readonly compiled: Array<{ script: Script; cacheFile: string; name: string; taken: number }> = [];
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

  /** require() of one of the bundle's modules, by absolute path. */
  load(file: string): unknown {
    const known = this.modules.get(file);
    if (known) return known.exports;
    let wrapper = this.waiting.get(file);
    if (!wrapper) {
      // Not in a pack read so far: the module is its own pack's root.
      const pack = this.readPack(file);
      for (const [name, fn] of Object.entries(pack)) {
        const path = `${this.root}${sep}${sep === "/" ? name : name.replaceAll("/", sep)}`;
        // A module in more than one pack runs once: the first copy read is the one kept.
        if (!this.modules.has(path) && !this.waiting.has(path)) this.waiting.set(path, fn);
      }
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
    const source = readFileSync(file, "utf8");
    const name = file.slice(this.root.length + 1);
    const cacheFile = this.cacheDir && join(this.cacheDir, `${name.split(sep).join("_")}.v8cache`);
    let cachedData: Buffer | undefined;
    if (cacheFile) {
      try {
        cachedData = readFileSync(cacheFile);
      } catch {
        cachedData = undefined;
      }
    }
    const script = new Script(WRAPPER_START + source + WRAPPER_END, {
      filename: file,
      lineOffset: -1,
      cachedData,
    });
    const taken = cachedData && !script.cachedDataRejected ? cachedData.length : 0;
    if (taken > 0) this.stats.cached++;
    else this.stats.compiled++;
    if (cacheFile) this.compiled.push({ script, cacheFile, name, taken });
    const module = { exports: {} as unknown };
    (script.runInThisContext() as Wrapper).call(
      module.exports,
      module.exports,
      () => {
        throw new Error(`${file}: a pack requires nothing itself`);
      },
      module,
      file,
      dirname(file),
    );
    return module.exports as Pack;
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
      nodeRequire ??= createRequire(file);
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

/** Removes the cache folders of other builds of rxportal beside `dir`; other Node versions'
 * caches of this build are kept. */
function removeOtherBuilds(dir: string): void {
  const parent = dirname(dir);
  const own = CACHE_DIR_NAME.exec(basename(dir))?.[1];
  for (const name of readdirSync(parent)) {
    const hash = CACHE_DIR_NAME.exec(name)?.[1];
    if (hash !== undefined && hash !== own) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** <build hash>-<node version>-<arch>, and -node for Node's own cache (RXPORTAL_CODE_CACHE=node). */
const CACHE_DIR_NAME = /^([0-9a-f]+)-v[\d.]+-\w+(?:-node)?$/;

export function cacheDirName(hash: string, nodeVersion: string, arch: string): string {
  return `${hash}-${nodeVersion}-${arch}`;
}

/** The code caches' folder: in the platform's cache folder, named for this build and this Node. */
export function codeCacheDir(env: NodeJS.ProcessEnv, hash: string): string | undefined {
  if (env.RXPORTAL_CODE_CACHE === "0") return undefined;
  let cache: string;
  try {
    cache = envPaths("rxportal", { suffix: "" }).cache;
  } catch {
    // No home folder to be found: run without caches; the command says what it needs itself.
    return undefined;
  }
  return join(cache, "code-cache", cacheDirName(hash, process.version, process.arch));
}

/** The part of node:module that Node's compile cache is; missing before Node 22.1. */
export interface CompileCacheApi {
  enableCompileCache?: (dir: string) => { status: number };
  flushCompileCache?: () => void;
  constants?: { compileCacheStatus?: { ENABLED: number } };
}

/**
 * RXPORTAL_CODE_CACHE=node: Node's compile cache in `dir` (0700, made here) instead of this
 * loader's. False when this Node has none or the folder cannot be made; never throws.
 */
export function enableNodeCompileCache(dir: string, api: CompileCacheApi = nodeModuleApi()): boolean {
  if (typeof api.enableCompileCache !== "function") return false;
  try {
    if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) removeOtherBuilds(dir);
    // mkdir's mode is masked by the umask and leaves existing folders alone; make sure.
    chmodSync(dirname(dir), 0o700);
    chmodSync(dir, 0o700);
    return api.enableCompileCache(dir).status === (api.constants?.compileCacheStatus?.ENABLED ?? 1);
  } catch {
    return false;
  }
}

/** node:module, for what only some Nodes have (a namespace import would copy all of it at start). */
const nodeModuleApi = (): CompileCacheApi =>
  process.getBuiltinModule("node:module") as unknown as CompileCacheApi;

/** Runs the CLI from dist/ and returns its exit code. */
export async function boot(distDir: string, argv: string[]): Promise<number> {
  const cacheDir = codeCacheDir(process.env, __BUNDLE_HASH__);
  const mainFile = join(distDir, "main.js");
  if (cacheDir !== undefined && process.env.RXPORTAL_CODE_CACHE === "node") {
    // Node's require() compiles every file, with Node's cache (in a folder of its own name inside).
    const cached = enableNodeCompileCache(`${cacheDir}-node`);
    const nodeRequire = createRequire(mainFile);
    const loader = new CachedLoader(dirname(mainFile), undefined, (file) => nodeRequire(file) as Pack);
    const code = await (loader.load(mainFile) as Main).run(argv);
    if (cached) nodeModuleApi().flushCompileCache?.();
    return code;
  }
  const loader = new CachedLoader(dirname(mainFile), cacheDir);
  const main = loader.load(mainFile) as Main;
  const code = await main.run(argv);
  await loader.saveCaches();
  return code;
}
