// Makes a clone ready to run: installs the locked dependencies when they are missing or older
// than package-lock.json, and (with --build) builds dist/ when it is missing or older than the
// sources. `npm run demo` and `npm test` run it first, so both work on a bare clone; on a ready
// clone it does nothing and says nothing. Node's own modules only: nothing is installed yet.
// Progress goes to stderr, so a command's stdout stays its own.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const build = process.argv.includes("--build");

function mtime(path) {
  try {
    return statSync(join(root, path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification time under `dir` (files only). */
function newest(dir) {
  let latest = 0;
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true, recursive: true });
  } catch {
    return latest;
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const at = mtime(join(entry.parentPath ?? entry.path, entry.name).slice(root.length));
    if (at !== undefined && at > latest) latest = at;
  }
  return latest;
}

function run(what, command, args) {
  process.stderr.write(`${what}...\n`);
  // Output to stderr, like our progress; no stdin (nothing here asks).
  const r = spawnSync(command, args, { cwd: root, stdio: ["ignore", 2, 2] });
  if (r.status !== 0) {
    process.stderr.write(
      `setup: ${what.toLowerCase()} failed (exit ${r.status ?? r.signal ?? r.error?.message}).\n`,
    );
    process.exit(typeof r.status === "number" && r.status > 0 ? r.status : 1);
  }
}

const installed = mtime("node_modules/.package-lock.json");
const locked = mtime("package-lock.json");
if (installed === undefined || (locked !== undefined && locked > installed)) {
  run("Installing the dependencies (npm ci)", "npm", ["ci", "--no-fund", "--no-audit"]);
}

if (build) {
  // The launcher is built too (bin/rxportal.js): either one missing means a build.
  const stamps = [mtime("dist/main.js"), mtime("bin/rxportal.js")];
  const built = stamps.includes(undefined) ? undefined : Math.min(...stamps);
  const sources = Math.max(
    newest("src"),
    newest("trees"),
    mtime("scripts/build.mjs") ?? 0,
    mtime("scripts/tree-json.ts") ?? 0,
    mtime("node_modules/.package-lock.json") ?? 0,
  );
  if (built === undefined || sources > built)
    run("Building rxportal", process.execPath, ["scripts/build.mjs"]);
}
