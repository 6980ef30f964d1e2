// The built bundle as scripts/build.mjs and scripts/pack.mjs leave it: every file a pack, in ASCII
// (one other character and V8 holds the whole file as UTF-16), and the few files a start needs.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACK_START } from "../../scripts/pack.mjs";
import { bundleFilesNaming, dist, runReading } from "../helpers/bundle-reads.js";
import { binPath } from "../helpers/spawn.js";

const files = [
  "main.js",
  ...readdirSync(join(dist, "chunks"))
    .filter((f) => f.endsWith(".js"))
    .map((f) => `chunks/${f}`),
];

describe("dist/", () => {
  it("holds packs only, every one of them in ASCII", () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(join(dist, file), "utf8");
      expect(text.startsWith(`${PACK_START}\n`), file).toBe(true);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is ASCII's.
      expect(/[^\u0000-\u007f]/.exec(text)?.[0], file).toBeUndefined();
    }
  });

  it("--help reads main.js alone of the bundle, contacts two packs more; commander's pack only for help it must write", async () => {
    const bundle = (reads: string[]) =>
      reads
        .filter((f) => f.startsWith(dist))
        .map((f) => f.slice(dist.length).replace(/-[A-Z0-9]{8}\.js$/, ".js"));
    // The build's dist/help.txt (src/main.ts), not commander.
    const help = await runReading(["--help"]);
    expect(help.code).toBe(0);
    expect(bundle(help.reads)).toEqual(["main.js"]);
    // A well-formed command line runs straight from the command table (src/commands/direct.ts).
    const contacts = await runReading(["contacts", "--enrollee", "medicare", "--json"]);
    expect(contacts.code).toBe(0);
    expect(bundle(contacts.reads)).toHaveLength(3);
    expect(bundle(contacts.reads)).not.toContain("chunks/program.js");
    // A command's own help is commander's to write.
    const contactsHelp = await runReading(["contacts", "--help"]);
    expect(contactsHelp.code).toBe(0);
    expect(bundle(contactsHelp.reads)).toEqual(["main.js", "chunks/program.js"]);
  });

  it("the loader is a module of main.js's pack; Node compiles only the small launcher, bin/rxportal.js", () => {
    const mainText = readFileSync(join(dist, "main.js"), "utf8");
    expect(mainText).toContain(
      '\n"loader.js": function (exports, require, module, __filename, __dirname) {\n',
    );
    expect(
      readdirSync(dist)
        .filter((f) => f.endsWith(".js"))
        .sort(),
    ).toEqual(["main.js"]);
    // The launcher is one file: it requires nothing of rxportal's (no second file for Node to
    // resolve), holds no loader (no CachedLoader class, no cache writer), and stays small.
    const launcher = readFileSync(binPath, "utf8");
    expect(launcher.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(binPath).mode & 0o111).toBe(0o111);
    expect(
      [...launcher.matchAll(/\brequire\("([^"]+)"\)/g)]
        .map((m) => m[1] ?? "")
        .filter((id) => !id.startsWith("node:")),
    ).toEqual([]);
    expect(launcher).not.toMatch(/class CachedLoader|saveCaches|writePrivateFile/);
    expect(launcher.length).toBeLessThan(mainText.length / 10);
  });

  it("text without colour (a pipe) loads no chalk; FORCE_COLOR does", async () => {
    const chalk = bundleFilesNaming(/node_modules\/chalk\//);
    expect(chalk.size).toBeGreaterThan(0);
    for (const args of [
      ["contacts", "--enrollee", "medicare"],
      ["status", "--sandbox"],
    ]) {
      const piped = await runReading(args);
      expect(piped.code, piped.stderr).toBe(0);
      expect(
        piped.reads.filter((f) => chalk.has(f)),
        args.join(" "),
      ).toEqual([]);
      expect(piped.stdout).not.toContain("\u001b[");
    }
    const coloured = await runReading(["contacts", "--enrollee", "medicare"], {
      env: { NO_COLOR: "", FORCE_COLOR: "1" },
    });
    expect(coloured.reads.some((f) => chalk.has(f))).toBe(true);
    expect(coloured.stdout).toContain("\u001b[1m");
  });
});
