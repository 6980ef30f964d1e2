// Bundles src/ into dist/ with esbuild: one ESM bundle whose heavy parts (inquirer, undici, zod,
// the sandbox) are split into chunks that load only when a command imports them.
// Builds into a fresh folder and swaps it in, so a test run building at the same moment as
// another one never sees a half-written dist/.
import { rename, rm } from "node:fs/promises";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const fresh = `${root}dist.build-${process.pid}`;
const old = `${root}dist.old-${process.pid}`;

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
  logLevel: "warning",
});
await rename(`${root}dist`, old).catch(() => undefined);
await rename(fresh, `${root}dist`);
await rm(old, { recursive: true, force: true });
