// Writes openapi.json from the zod schemas. Bundles src/portal/openapi.ts on the fly with esbuild,
// so no TypeScript runtime is needed.
import { readFile, writeFile } from "node:fs/promises";
import { build } from "esbuild";

const out = await build({
  entryPoints: ["src/portal/openapi.ts"],
  bundle: true,
  format: "esm",
  platform: "node",
  write: false,
  logLevel: "warning",
});
const code = out.outputFiles[0].text;
const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
const target = process.argv.includes("--check") ? null : "openapi.json";
const text = mod.renderOpenApi();
if (target) {
  await writeFile(target, text);
  console.log(`wrote ${target}`);
} else {
  const current = await readFile("openapi.json", "utf8").catch(() => "");
  if (current !== text) {
    console.error("openapi.json is stale: run `npm run openapi` and commit it.");
    process.exitCode = 1;
  }
}
