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

  it("lists nothing as planned that this version has: --sandbox --oidc and --web.config.file work", async () => {
    const planned = reference.slice(reference.indexOf("## Planned"));
    expect(planned).not.toMatch(/^- .*(--sandbox --oidc|--web\.config\.file)/m);
    const r = await runCli(["status", "--sandbox", "--oidc", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "operational" });
    const help = await runCli(["health", "serve", "--help"]);
    expect(help.stdout).toContain("--web-config-file");
  });
});
