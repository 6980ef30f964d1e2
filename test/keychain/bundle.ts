// Bundles runner.ts for child processes. The bundle lives under node_modules/.cache so that
// @napi-rs/keyring (native, kept external) resolves from it as it does from dist/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));

export async function bundleRunner(): Promise<string> {
  const dir = join(root, "node_modules", ".cache", "rxportal-keychain-test");
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `runner-${process.pid}-${Date.now()}.mjs`);
  await build({
    entryPoints: [join(root, "test", "keychain", "runner.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20.19",
    external: ["@napi-rs/keyring"],
    logLevel: "warning",
  });
  return outfile;
}
