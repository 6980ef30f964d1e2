// Start-up (bin/rxportal.js → dist/boot.cjs → dist/main.js). Every run starts with the same code
// (commander, the command table, the context), and parsing and compiling it was the largest
// part of a run's own start-up: about 40% of the instructions `rxportal --help` adds to Node's
// own (measured with callgrind). So the entry bundle is compiled with a V8 code cache kept in the
// user's cache folder: the first run writes it, later runs skip the parsing and compiling.
// Node itself offers this only from version 22 (module.enableCompileCache); this works on 20.
// The cache holds compiled program code only (the bundle's functions and their literals), never
// anything a run reads or types. Anything wrong with it (missing, corrupt, from another Node or
// another build, a folder that cannot be written) only means the code is compiled as usual.
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";
import envPaths from "env-paths";

/** A hash of dist/main.js, written in by the build: a cache made for other code is never used. */
declare const __MAIN_JS_HASH__: string;

interface Main {
  run(argv: string[]): Promise<number>;
}

export interface CodeCacheOptions {
  /** The CommonJS file to load (dist/main.js). */
  file: string;
  /** Where its code cache lives; undefined: no cache. */
  cacheFile: string | undefined;
}

export interface LoadedWithCache<T> {
  exports: T;
  /** Whether a cache was read and V8 accepted it. */
  cacheUsed: boolean;
  /** Writes the cache when it was missing or refused; call after the run, so that the code the run
   * compiled is in it. Never throws. */
  saveCache(): void;
}

// The wrapper sits on a line of its own, so that line and column numbers in stack traces are the
// file's own (lineOffset -1).
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname) {\n";
const WRAPPER_END = "\n})";

/** Loads a CommonJS file as Node would, but compiled with (and producing) a V8 code cache. */
export function loadWithCodeCache<T>(opts: CodeCacheOptions): LoadedWithCache<T> {
  const source = readFileSync(opts.file, "utf8");
  let cachedData: Buffer | undefined;
  if (opts.cacheFile) {
    try {
      cachedData = readFileSync(opts.cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(WRAPPER_START + source + WRAPPER_END, {
    filename: opts.file,
    lineOffset: -1,
    cachedData,
  });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  // Its require() is the file's own: ./chunks/<name>.js resolve beside it.
  wrapper.call(
    module.exports,
    module.exports,
    createRequire(opts.file),
    module,
    opts.file,
    dirname(opts.file),
  );
  return {
    exports: module.exports,
    cacheUsed,
    saveCache() {
      if (cacheUsed || !opts.cacheFile) return;
      try {
        writeCache(opts.cacheFile, script.createCachedData());
      } catch {
        // A cache that cannot be written (read-only home, full disk) only costs speed.
      }
    },
  };
}

/** Writes the cache atomically (a reader never sees half a file), 0600 in a 0700 folder, and
 * removes the caches made for other builds of rxportal (other Node versions' are kept). */
function writeCache(cacheFile: string, data: Buffer): void {
  const dir = dirname(cacheFile);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tmp = `${cacheFile}.${randomSuffix()}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600, flag: "wx" });
    renameSync(tmp, cacheFile);
  } finally {
    rmSync(tmp, { force: true });
  }
  const own = CACHE_NAME.exec(basename(cacheFile))?.[1];
  for (const name of readdirSync(dir)) {
    const hash = CACHE_NAME.exec(name)?.[1];
    if (hash !== undefined && hash !== own) rmSync(join(dir, name), { force: true });
  }
}

const randomSuffix = () => Math.random().toString(36).slice(2, 10);

/** main-<build hash>-<node version>-<arch>.v8cache */
const CACHE_NAME = /^main-([0-9a-f]+)-v[\d.]+-[\w]+\.v8cache$/;

export function cacheFileName(hash: string, nodeVersion: string, arch: string): string {
  return `main-${hash}-${nodeVersion}-${arch}.v8cache`;
}

/** The code cache's file: in the platform's cache folder, named for this build and this Node. */
export function codeCacheFile(env: NodeJS.ProcessEnv, hash: string): string | undefined {
  if (env.RXPORTAL_CODE_CACHE === "0") return undefined;
  const dir = join(envPaths("rxportal", { suffix: "" }).cache, "code-cache");
  return join(dir, cacheFileName(hash, process.version, process.arch));
}

/** Runs the CLI from dist/ and returns its exit code. */
export async function boot(distDir: string, argv: string[]): Promise<number> {
  const loaded = loadWithCodeCache<Main>({
    file: join(distDir, "main.js"),
    cacheFile: codeCacheFile(process.env, __MAIN_JS_HASH__),
  });
  const code = await loaded.exports.run(argv);
  loaded.saveCache();
  return code;
}
