// Start-up (bin/rxportal.js, which the build makes of src/launch.ts and this file → dist/main.js).
// Every run starts with the same code (the command table, the context), and parsing
// and compiling it is a large part of a run's own start-up. So the bundle's files are compiled
// with V8 code caches kept in the user's cache folder: a run writes the caches of the files it
// compiled, later runs skip the parsing and compiling.
// Why not Node's own cache (module.enableCompileCache, Node 22.1 and later): Node makes a file's
// cache right after compiling it, before it runs, so it holds only the top-level code; the
// bundle's code sits inside esbuild's module functions, which V8 compiles lazily, as they run.
// This loader makes its caches after the run, with every function the run compiled. Node's cache
// stays available as RXPORTAL_CODE_CACHE=node, so that `npm run bench` can keep comparing the two
// (the figures, and the decision, are in the bench's output, not here).
// This file is the launcher (with src/launch.ts, built into bin/rxportal.js): the one file that
// Node compiles itself, without a cache, so it holds only what must come first: where the caches
// are, and how to compile main.js with its cache. The loader (src/loader.ts) is a module of
// main.js's pack, and runs the rest.
// A cache holds compiled program code only (the bundle's functions and their literals), never
// anything a run reads or types. Anything wrong with one (missing, corrupt, from another Node or
// another build, a folder that cannot be written) only means the code is compiled as usual.
import { chmodSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import envPaths from "env-paths";
import { cacheDirName, compilePack, type Pack, removeOtherBuilds } from "./code-cache.js";

export { cacheDirName } from "./code-cache.js";

/** A hash of the bundle's files, written in by the build: a cache made for other code is never used. */
declare const __BUNDLE_HASH__: string;

/** The loader, src/loader.ts: the module "loader.js" of main.js's pack. */
interface Loader {
  run: typeof import("./loader.js").run;
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
  // Normalised once: a pack's name is its path from here (bin/ passes ".../bin/../dist").
  const root = join(distDir);
  const mainFile = join(root, "main.js");
  if (cacheDir !== undefined && process.env.RXPORTAL_CODE_CACHE === "node") {
    const nodeRequire = (
      process.getBuiltinModule("node:module") as typeof import("node:module")
    ).createRequire(mainFile);
    // Node's require() compiles every file, with Node's cache (in a folder of its own name inside).
    const cached = enableNodeCompileCache(`${cacheDir}-node`);
    const pack = nodeRequire(mainFile) as Pack;
    const code = await loaderOf(pack, root).run(
      root,
      argv,
      { pack },
      undefined,
      (file) => nodeRequire(file) as Pack,
    );
    if (cached) nodeModuleApi().flushCompileCache?.();
    return code;
  }
  const main = compilePack(root, mainFile, cacheDir);
  return loaderOf(main.pack, root).run(root, argv, main, cacheDir);
}

/** What endRun needs of the process. */
export type EndingProcess = Pick<NodeJS.Process, "exit" | "getActiveResourcesInfo"> & {
  exitCode?: NodeJS.Process["exitCode"];
};

/**
 * Ends the process with the run's exit code. When the event loop has nothing left (no handle,
 * request or timer: every write done, every file and socket closed), the process exits now:
 * Node would only run V8's pending housekeeping first, such as a young-generation garbage
 * collection scheduled near the end of a run, which no one waits for. With anything still active
 * (a write to a slow reader, a socket closing, a timer), Node ends the process itself once the
 * loop is empty, as before; 'exit' listeners run either way.
 */
export function endRun(code: number, proc: EndingProcess = process): void {
  proc.exitCode = code;
  // Asked on the next turn of the loop: a request that has just completed (the close of a file
  // the run awaited) is listed until the callback that settled it has returned.
  setImmediate(() => {
    if (proc.getActiveResourcesInfo().length === 0) proc.exit();
  });
}

/** Runs the loader's module from main.js's table (it requires Node's built-ins only). */
function loaderOf(pack: Pack, distDir: string): Loader {
  const wrapper = pack["loader.js"];
  if (!wrapper) throw new Error(`${join(distDir, "main.js")} holds no loader.js: rebuild with npm run build`);
  const module = { exports: {} as unknown };
  wrapper.call(module.exports, module.exports, builtin, module, join(distDir, "loader.js"), distDir);
  return module.exports as Loader;
}

/** require() for the loader's module: Node's built-ins, without node:module's resolver. */
function builtin(id: string): unknown {
  const module = process.getBuiltinModule(id);
  if (module === undefined) throw new Error(`the loader requires ${id}, which is not a Node built-in`);
  return module;
}
