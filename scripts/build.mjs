// Bundles src/ into dist/ with esbuild: one ESM bundle whose heavy parts (inquirer, undici, zod,
// the sandbox) are split into chunks that load only when a command imports them.
// Builds into a fresh folder and swaps it in, so a test run building at the same moment as
// another one never sees a half-written dist/.
import { rename, rm } from "node:fs/promises";
import { builtinModules } from "node:module";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const fresh = `${root}dist.build-${process.pid}`;
const old = `${root}dist.old-${process.pid}`;

// commander loads node:child_process at start-up only for git-style executable subcommands,
// which rxportal does not use; that pulls in net, dgram and more (about 5 ms per run). Hand it a
// proxy that loads the real module on first use instead.
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes("node_modules/commander/")
        ? { path: "child_process", namespace: "lazy" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy" }, () => ({
      contents:
        'let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require("node:child_process"))[key] });',
      loader: "js",
    }));
  },
};

// An ESM `import ... from "node:fs"` makes Node build an ES module facade for the built-in at
// start-up (about 1-2 ms each, measured: 11 ms of a 25 ms start); process.getBuiltinModule hands
// over the same object without one. So every built-in import in the bundle goes through it.
const builtinNames = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
// One virtual module per importing file: a module shared by several lazily loaded parts would
// become a chunk of its own (one more file to load at start-up for a single line of code).
// Each re-exports the built-in's properties; esbuild drops the ones the importer does not use.
const importerIds = new Map();
const builtinsWithoutFacades = {
  name: "builtins-without-facades",
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (!builtinNames.has(args.path) || args.kind !== "import-statement") return undefined;
      if (!importerIds.has(args.importer)) importerIds.set(args.importer, importerIds.size);
      return {
        path: `${args.path.replace(/^node:/, "")}#${importerIds.get(args.importer)}`,
        namespace: "builtin",
      };
    });
    b.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => {
      const name = `node:${args.path.split("#")[0]}`;
      const names = Object.keys(process.getBuiltinModule(name)).filter(
        (k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== "default",
      );
      const lines = names.map((n) => `export const ${n} = /* @__PURE__ */ (() => m.${n})();`);
      return {
        contents: `const m = process.getBuiltinModule(${JSON.stringify(name)});\nexport default m;\n${lines.join("\n")}\n`,
        loader: "js",
      };
    });
  },
};

await build({
  entryPoints: { main: `${root}src/main.ts` },
  outdir: fresh,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  sourcemap: "linked",
  legalComments: "none",
  chunkNames: "chunks/[name]-[hash]",
  // Prefer packages' ES module builds: their named exports survive dynamic import() in the bundle.
  mainFields: ["module", "main"],
  // Native addons cannot be bundled.
  external: ["@napi-rs/keyring"],
  // Bundled CommonJS packages (commander, undici, ...) call require() for Node built-ins, and only
  // for those: esbuild resolved everything else. process.getBuiltinModule (Node 20.16+) answers
  // that without loading node:module and its source-map machinery at every start.
  banner: {
    js: 'const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) { const e = new Error("Cannot find module " + id); e.code = "MODULE_NOT_FOUND"; throw e; } return m; };',
  },
  // The built-in troubleshooting tree is bundled as text (src/doctor/builtin-tree.ts).
  loader: { ".yaml": "text" },
  plugins: [lazyChildProcess, builtinsWithoutFacades],
  logLevel: "warning",
});
await rename(`${root}dist`, old).catch(() => undefined);
await rename(fresh, `${root}dist`);
await rm(old, { recursive: true, force: true });
