// Bundles src/ into dist/ with esbuild: one bundle whose heavy parts (inquirer, undici, zod, the
// sandbox) are split into chunks that load only when a command imports them.
// Builds into a fresh folder and swaps it in, so a test run building at the same moment as
// another one never sees a half-written dist/.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { build, transform } from "esbuild";
import { packBundle } from "./pack.mjs";

const root = new URL("..", import.meta.url).pathname;
const fresh = `${root}dist.build-${process.pid}`;
const old = `${root}dist.old-${process.pid}`;
// The comment esbuild ends a file with, naming its source map.
const MAP_COMMENT = /\/\/# sourceMappingURL=.*\s*$/;

// commander loads node:child_process at start-up only for git-style executable subcommands,
// which rxportal does not use; that pulls in net, dgram and more on every run. Hand it a
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

// zod's core, classic and mini entry points each re-export every locale (`z.locales`, about 340 KB
// of messages in 50 languages), and the chunk holding zod's core, which every portal command loads,
// would carry them all. rxportal speaks through its own messages and uses zod's English ones only
// (src/portal/lenient.ts configures them): the locales index is resolved to English alone.
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]v4[\\/](core|mini|classic)[\\/]/.test(args.importer)
        ? { path: "zod-locales", namespace: "zod-english-only", pluginData: args.resolveDir }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: 'export { default as en } from "../locales/en.js";',
      resolveDir: args.pluginData,
      loader: "js",
    }));
  },
};

// chalk reads its default colour level from supports-color when it loads, which loads node:tty
// (and with it net and Node's stream modules) even for output that is never coloured. rxportal
// gives chalk its level itself, per stream (src/ui/style.ts; the spinner's frames too), so chalk's
// own detection is resolved to "no colour" and never bundled.
const chalkLevelGiven = {
  name: "chalk-level-given",
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, (args) =>
      /[\\/]node_modules[\\/]chalk[\\/]/.test(args.importer)
        ? { path: "supports-color", namespace: "chalk-level-given" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "chalk-level-given" }, () => ({
      contents: "export default { stdout: false, stderr: false };",
      loader: "js",
    }));
  },
};

// The built-in troubleshooting tree goes into the bundle as validated JSON (src/doctor/builtin-tree.ts):
// parsed, checked against the tree schema and linted here, so a broken trees/default.yaml fails
// the build and no run parses YAML for it. The compiler is TypeScript (scripts/tree-json.ts,
// shared with vitest.config.ts): bundled whole and imported from memory.
const treeCompiler = await build({
  entryPoints: [`${root}scripts/tree-json.ts`],
  bundle: true,
  write: false,
  format: "esm",
  platform: "node",
  target: "node20.19",
  mainFields: ["module", "main"],
  // Bundled CommonJS packages require() Node's built-ins.
  banner: {
    js: `import { createRequire as __createRequire } from "node:module"; const require = __createRequire(${JSON.stringify(import.meta.url)});`,
  },
  logLevel: "warning",
});
const { compileTree } = await import(
  `data:text/javascript;base64,${Buffer.from(treeCompiler.outputFiles[0].text).toString("base64")}`
);
const builtinTree = {
  name: "builtin-tree",
  setup(b) {
    b.onLoad({ filter: /[\\/]trees[\\/][^\\/]+\.yaml$/ }, async (args) => ({
      contents: await compileTree(args.path),
      loader: "json",
    }));
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
  external: ["@napi-rs/keyring", "oidc-provider"],
  plugins: [lazyChildProcess, builtinTree, zodEnglishOnly, chalkLevelGiven],
  logLevel: "warning",
});
// Then every file becomes CommonJS (dist/package.json says so): the loader keeps a V8 code cache
// per file, which vm.Script offers for scripts, not for ES modules (src/loader.ts), and an ES module
// anywhere on a run's path starts Node's ES module loader. esbuild splits only ES modules, hence the two steps: imports
// between chunks become require() calls and import() becomes a require() in a promise, so
// chunks still load only when a command asks for them.
const files = [
  "main.js",
  ...(await readdir(`${fresh}/chunks`)).filter((f) => f.endsWith(".js")).map((f) => `chunks/${f}`),
];
await Promise.all(files.map((file) => toCommonJs(`${fresh}/${file}`)));
await writeFile(`${fresh}/package.json`, `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);

async function toCommonJs(file) {
  // Bundled CommonJS packages (commander, undici, ...) still call require() for Node's built-ins
  // (esbuild resolved everything else); in CommonJS that is the loader's require() (src/loader.ts).
  const body = (await readFile(file, "utf8")).replace(MAP_COMMENT, "");
  // The split build's source map goes in inline, so the new map points at src/ as before.
  const map = await readFile(`${file}.map`);
  const usesImportMeta = /\bimport\.meta\b/.test(body);
  const out = await transform(
    `${body}\n//# sourceMappingURL=data:application/json;base64,${map.toString("base64")}\n`,
    {
      format: "cjs",
      platform: "node",
      target: "node20.19",
      loader: "js",
      sourcefile: file,
      sourcemap: "external",
      supported: { "dynamic-import": false },
      // import.meta.url (the keychain helper finds @napi-rs/keyring from it) is the file's own URL.
      ...(usesImportMeta && {
        define: { "import.meta.url": "__importMetaUrl" },
        banner: 'var __importMetaUrl = require("node:url").pathToFileURL(__filename).href;',
      }),
      logLevel: "warning",
    },
  );
  if (/\bimport\.meta\b/.test(out.code)) throw new Error(`${file}: import.meta other than import.meta.url`);
  const name = file.slice(file.lastIndexOf("/") + 1);
  await writeCommonJs(file, out.code, `${name}.map`);
  await writeFile(`${file}.map`, out.map);
}

/** How each CommonJS file of dist/ is written: built-ins plain, in ASCII, naming its map if any. */
function writeCommonJs(file, code, map) {
  const text = asciiOnly(file, plainBuiltins(code.replace(MAP_COMMENT, "")));
  return writeFile(file, map ? `${text}//# sourceMappingURL=${map}\n` : text);
}

// The loader (src/loader.ts) goes into main.js's pack as a module of its own: the launcher
// (bin/rxportal.js, below) compiles main.js with its cache and runs the loader from it, so that the
// loader is compiled from a cache too; Node compiles only the small launcher itself.
await bundleAlone("loader", { sourcemap: "external", legalComments: "none" });
await writeCommonJs(`${fresh}/loader.js`, await readFile(`${fresh}/loader.js`, "utf8"), "loader.js.map");

/** src/<name>.ts bundled on its own, as CommonJS, into dist/<name>.js. */
function bundleAlone(name, options) {
  return build({
    entryPoints: [`${root}src/${name}.ts`],
    outfile: `${fresh}/${name}.js`,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20.19",
    logLevel: "warning",
    ...options,
  });
}

// Then the files are packed (scripts/pack.mjs): a run reads a few files instead of a file per chunk.
const packed = await packBundle(fresh, [...files, "loader.js"], { intoMain: ["loader.js"] });

// esbuild makes an ES module's view of a CommonJS module with __toESM, which copies every property
// (all of node:process, node:fs...) into a new object with a getter each, at start. For Node's
// built-ins that view is only ever used for `.default` (a default import: the module itself) or
// for named properties (which the module has itself): those become the module, or an object
// holding it as `default`. A view used any other way is left as it is.
function plainBuiltins(code) {
  return code.replace(
    /^(var )?(\w+) = __toESM\(require\("(node:[\w/]+)"\)(?:, 1)?\);$/gm,
    (all, decl, name, id) => {
      const uses = [...code.matchAll(new RegExp(`\\b${name}\\b(\\.\\w+)?`, "g"))].map((m) => m[1]);
      // The declaration itself is one use without a property (two when it is `var x, y;` apart).
      const bare = uses.filter((u) => u === undefined).length;
      if (bare !== (decl ? 1 : 2)) return all;
      const defaults = uses.filter((u) => u === ".default").length;
      const others = uses.length - bare - defaults;
      if (others === 0) return `${decl ?? ""}${name} = { default: require("${id}") };`;
      if (defaults === 0) return `${decl ?? ""}${name} = require("${id}");`;
      return all;
    },
  );
}

// esbuild writes strings and templates in ASCII, but leaves regular expression literals and comments
// as they are: one such character anywhere and V8 holds the whole file as UTF-16, twice the memory
// and the copying. They become \u escapes, which mean the same in a regular expression (a
// character outside the BMP as its surrogate pair, which a /u expression reads as one character).
// Two places where an escape would not mean the same fail the build instead: right after a
// backslash, and on a line with a template literal (its raw text would change).
function asciiOnly(file, code) {
  return code.replace(/[\u0080-\uffff]/g, (ch, at) => {
    const lineStart = code.lastIndexOf("\n", at) + 1;
    const lineEnd = code.indexOf("\n", at);
    const line = code.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
    if (code[at - 1] === "\\" || line.includes("`"))
      throw new Error(
        `${file}: cannot spell ${JSON.stringify(ch)} in ASCII here: ${line.trim().slice(0, 120)}`,
      );
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

// The launcher, bin/rxportal.js (src/launch.ts with src/boot.ts): finds the caches and compiles
// main.js with its own. Small, as the one file Node compiles without a cache, and one file, so
// that Node resolves no second one; it knows the bundle's hash (the loader's code included), so a
// cache made for other code is never used. It is written beside dist/ and put in place right
// after it (bin/rxportal.js is built, not kept in git).
const bundleHash = createHash("sha256");
for (const file of packed.sort()) bundleHash.update(`${file}\0`).update(await readFile(`${fresh}/${file}`));
await bundleAlone("launch", {
  define: { __BUNDLE_HASH__: JSON.stringify(bundleHash.digest("hex").slice(0, 16)) },
  banner: { js: "#!/usr/bin/env node" },
});
await mkdir(`${root}bin`, { recursive: true });
const launcher = `${root}bin/.rxportal.js.${process.pid}`;
await writeCommonJs(launcher, await readFile(`${fresh}/launch.js`, "utf8"));
await chmod(launcher, 0o755);
await rm(`${fresh}/launch.js`);

await rename(`${root}dist`, old).catch(() => undefined);
await rename(fresh, `${root}dist`);
await rename(launcher, `${root}bin/rxportal.js`);
await rm(old, { recursive: true, force: true });

// `rxportal --help` is the same text for every run of this bundle written at 80 columns (a pipe, or
// a terminal that wide): the build asks the new binary once, with commander, and keeps its answer
// as dist/help.txt, which src/main.ts prints instead of loading commander. Until it is there (and
// at any other width) commander writes the help itself.
const help = spawnSync(process.execPath, [`${root}bin/rxportal.js`, "--help"], {
  env: { ...process.env, RXPORTAL_CODE_CACHE: "0", NO_COLOR: "1" },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "pipe"],
});
// (Node's own warnings on stderr, a NODE_EXTRA_CA_CERTS it cannot read say, do not change the help.)
if (help.status !== 0 || !help.stdout.startsWith("Usage: rxportal"))
  throw new Error(`rxportal --help failed while building dist/help.txt: ${help.stderr || help.status}`);
await writeFile(`${root}dist/help.txt.${process.pid}`, help.stdout);
await rename(`${root}dist/help.txt.${process.pid}`, `${root}dist/help.txt`);
