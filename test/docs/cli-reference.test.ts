// docs/cli.md is kept current: every command and option the built binary's --help shows is named
// in it, and what it lists as planned really is not there yet (exit 64, one line on stderr).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/spawn.js";

const reference = readFileSync(new URL("../../docs/cli.md", import.meta.url), "utf8");

/** The command names listed under "Commands:" in a help text. */
function subcommands(help: string): string[] {
  const section = /\nCommands:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1] ?? "";
  return section
    .split("\n")
    .map((line) => /^ {2}([a-z][a-z-]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== "help");
}

/** The long options listed under "Options:" in a help text. */
function options(help: string): string[] {
  const section = /\nOptions:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1] ?? "";
  return [...section.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)]
    .map((m) => m[1] as string)
    .filter((o) => o !== "--help" && o !== "--version");
}

async function allHelp(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (path: string[]) => {
    const r = await runCli([...path, "--help"]);
    expect(r.code, path.join(" ")).toBe(0);
    expect(r.stderr).toBe("");
    found.set(path.join(" "), r.stdout);
    await Promise.all(subcommands(r.stdout).map((name) => visit([...path, name])));
  };
  await visit([]);
  return found;
}

describe("docs/cli.md against the built binary's --help", () => {
  it("names every command and every option", async () => {
    const help = await allHelp();
    expect(help.size).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const [command, text] of help) {
      if (command && !reference.includes(`\`${command}`) && !reference.includes(command)) {
        missing.push(`command: ${command}`);
      }
      for (const option of options(text)) {
        if (!new RegExp(`${option}(?![a-z-])`).test(reference))
          missing.push(`${command || "rxportal"} ${option}`);
      }
    }
    expect(missing).toEqual([]);
  }, 60_000);

  it("what it lists as planned is not in this version: a usage error (health: UNKNOWN) with one line on stderr", async () => {
    expect(reference).not.toMatch(/^## Planned[\s\S]*--sandbox --oidc/m);
    for (const args of [["health", "serve", "--web.config.file", "web.yml"]]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(args[0] === "health" ? 3 : 64);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^rxportal: unknown (command|option)/);
    }
  });
});
