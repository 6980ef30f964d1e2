// Which of the bundle's files a run of the built binary reads: the start-up tests' way to check
// that a library or a part of rxportal loads only for the commands that need it.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunResult, runCli } from "./spawn.js";

export const dist = new URL("../../dist/", import.meta.url).pathname;

/** The bundle's files (main.js and the packs of chunks) whose source map names a source `pattern` matches. */
export function bundleFilesNaming(pattern: RegExp): Set<string> {
  const maps = [
    join(dist, "main.js.map"),
    ...readdirSync(join(dist, "chunks"))
      .filter((f) => f.endsWith(".js.map"))
      .map((f) => join(dist, "chunks", f)),
  ];
  const found = new Set<string>();
  for (const map of maps) {
    // A pack's map is an index map, a section per module (scripts/pack.mjs).
    const { sections } = JSON.parse(readFileSync(map, "utf8")) as {
      sections: Array<{ map: { sources: string[] } }>;
    };
    if (sections.some((s) => s.map.sources.some((source) => pattern.test(source))))
      found.add(map.replace(/\.map$/, ""));
  }
  return found;
}

let dir: string | undefined;

/** A preload that logs every .js file the process reads (the bundle's loader reads them so). */
function readLogger(): { dir: string; preload: string } {
  if (dir) return { dir, preload: join(dir, "log-reads.cjs") };
  dir = mkdtempSync(join(tmpdir(), "rxportal-reads-"));
  const preload = join(dir, "log-reads.cjs");
  writeFileSync(
    preload,
    `const fs = require("node:fs");
const read = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  if (typeof file === "string" && file.endsWith(".js")) fs.appendFileSync(process.env.RXPORTAL_READS_LOG, file + "\\n");
  return read.call(this, file, ...rest);
};
`,
  );
  return { dir, preload };
}

/** Runs the binary (as runCli does) and says which .js files it read, in order. */
export async function runReading(
  args: string[],
  opts: Parameters<typeof runCli>[1] = {},
): Promise<RunResult & { reads: string[] }> {
  const logger = readLogger();
  const log = join(logger.dir, `reads-${Math.random().toString(36).slice(2)}.txt`);
  const r = await runCli(args, {
    ...opts,
    env: { ...opts.env, NODE_OPTIONS: `--require ${logger.preload}`, RXPORTAL_READS_LOG: log },
  });
  let reads: string[] = [];
  try {
    reads = readFileSync(log, "utf8").split("\n").filter(Boolean);
  } catch {
    // Nothing read.
  }
  return { ...r, reads };
}
