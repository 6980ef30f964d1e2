// Bundles src/ into dist/ with esbuild: one ESM bundle whose heavy parts (inquirer, undici, zod,
// the sandbox) are split into chunks that load only when a command imports them.
import { rm } from "node:fs/promises";
import { build } from "esbuild";

await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { main: "src/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  sourcemap: "linked",
  legalComments: "none",
  chunkNames: "chunks/[name]-[hash]",
  // Native addons cannot be bundled.
  external: ["@napi-rs/keyring"],
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: { js: "import { createRequire as __rxCreateRequire } from 'node:module'; const require = __rxCreateRequire(import.meta.url);" },
  logLevel: "warning",
});
