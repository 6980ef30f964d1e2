// What the launcher (src/boot.ts) and the loader (src/loader.ts) share: how a pack file of dist/
// is compiled with its V8 code cache, and the cache folders' names. The two are bundled apart
// (the launcher is the one file Node itself compiles, so it stays small; the loader is a module of
// dist/main.js's pack, compiled with main.js's cache), each with a copy of this module.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { Script } from "node:vm";

export type Wrapper = (
  exports: unknown,
  require: (id: string) => unknown,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

/** A file of the bundle: its modules, by path from the bundle's folder (scripts/pack.mjs). */
export type Pack = Record<string, Wrapper>;

/** A pack compiled here: its script (for its cache, after the run) and the cache V8 took. */
export interface CompiledPack {
  script: Script;
  /** Where its cache lives; undefined when caches are off. */
  cacheFile: string | undefined;
  /** Its path from the bundle's folder. */
  name: string;
  /** The size of the cache V8 took (0: compiled from source). */
  taken: number;
}

/**
 * Compiles the pack file `file` of the bundle under `root`, with its cache from `cacheDir` when
 * there is a good one, and returns its table of modules (none has run yet).
 */
export function compilePack(
  root: string,
  file: string,
  cacheDir: string | undefined,
): { pack: Pack; compiled: CompiledPack } {
  const source = readFileSync(file, "utf8");
  const name = file.slice(root.length + 1);
  const cacheFile = cacheDir && join(cacheDir, `${name.split(sep).join("_")}.v8cache`);
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // The text as it is (scripts/pack.mjs, PACK_START): its value is the table of modules.
  const script = new Script(source, { filename: file, cachedData });
  const taken = cachedData && !script.cachedDataRejected ? cachedData.length : 0;
  const pack = script.runInThisContext() as Pack;
  if (pack === null || typeof pack !== "object")
    throw new Error(`${file} is not a pack: rebuild with npm run build`);
  return {
    pack,
    compiled: { script, cacheFile: cacheFile || undefined, name, taken },
  };
}

/** Removes the cache folders of other builds of rxportal beside `dir`; other Node versions'
 * caches of this build are kept. */
export function removeOtherBuilds(dir: string): void {
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
