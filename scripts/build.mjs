// Bundles src/ into dist/ with esbuild: one ESM bundle whose heavy parts (inquirer, undici, zod,
// the sandbox) are split into chunks that load only when a command imports them.
// Builds into a fresh folder and swaps it in, so a test run building at the same moment as
// another one never sees a half-written dist/.
import { rename, rm } from "node:fs/promises";
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
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __rxCreateRequire } from 'node:module'; const require = __rxCreateRequire(import.meta.url);",
  },
  plugins: [lazyChildProcess],
  logLevel: "warning",
});
await rename(`${root}dist`, old).catch(() => undefined);
await rename(fresh, `${root}dist`);
await rm(old, { recursive: true, force: true });
