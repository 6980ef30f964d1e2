// The shape of the code, checked: no import cycle among src/ files (type-only and lazy imports
// included), ui/ depends on nothing of the composition, only the command layer knows the context
// (everything below it takes narrow dependencies), only main.ts builds it, and `process` is
// touched only by the composition (compose.ts, process-streams.ts, boot.ts, loader.ts) and the
// files that need a pid or a child process.
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script, also runnable as `node test/architecture/import-cycles.mjs src`
import { cycles, importGraph, sourceFiles } from "./import-cycles.mjs";

const root = resolve(import.meta.dirname, "../../src");
const rel = (file: string) => relative(root, file);

describe("src/ architecture", () => {
  it("has no import cycle", () => {
    const found = (cycles(importGraph(root)) as string[][]).map((c) => c.map(rel).sort().join(" -> "));
    expect(found).toEqual([]);
  });

  it("the cycle finder finds a cycle when there is one (so the check above can fail)", () => {
    const a = "/x/a.ts";
    const b = "/x/b.ts";
    const c = "/x/c.ts";
    const graph = new Map([
      [a, new Set([b])],
      [b, new Set([a, c])],
      [c, new Set<string>()],
    ]);
    expect((cycles(graph) as string[][]).map((comp) => comp.sort())).toEqual([[a, b]]);
  });

  it("ui/ imports only ui/, errors.ts and the i18n core (itself a leaf)", () => {
    // The core: choosing the language, the catalog helpers and the prompter's own words. The other
    // catalogs (doctor, contacts, errors) sit above ui/ and may use its formatters.
    const core = new Set(["i18n/lang.ts", "i18n/catalog.ts", "i18n/messages/prompts.ts"]);
    const graph = importGraph(root) as Map<string, Set<string>>;
    const outside: string[] = [];
    for (const [file, deps] of graph) {
      if (!rel(file).startsWith("ui/")) continue;
      for (const dep of deps) {
        const name = rel(dep);
        if (!name.startsWith("ui/") && !core.has(name) && name !== "errors.ts")
          outside.push(`${rel(file)} -> ${name}`);
      }
    }
    for (const [file, deps] of graph) {
      if (!core.has(rel(file))) continue;
      for (const dep of deps) if (!core.has(rel(dep))) outside.push(`${rel(file)} -> ${rel(dep)}`);
    }
    expect(outside).toEqual([]);
  });

  it("only the command layer, main.ts and the composition import the context module", () => {
    expect(importersOf("context.ts", importGraph(root))).toEqual([]);
  });

  it("only main.ts imports the composition module", () => {
    expect(importersOf("compose.ts", importGraph(root), ["main.ts"])).toEqual([]);
  });

  it("the importer check finds an import of the context from below the commands (so it can fail)", () => {
    const file = (name: string) => resolve(root, name);
    const graph = new Map([
      [file("commands/auth/login.ts"), new Set([file("context.ts")])],
      [file("main.ts"), new Set([file("context.ts"), file("compose.ts")])],
      [file("compose.ts"), new Set([file("context.ts")])],
      [file("auth/session.ts"), new Set([file("context.ts")])],
      [file("refill/order.ts"), new Set([file("compose.ts")])],
    ]);
    expect(importersOf("context.ts", graph)).toEqual(["auth/session.ts -> context.ts"]);
    expect(importersOf("compose.ts", graph, ["main.ts"])).toEqual(["refill/order.ts -> compose.ts"]);
  });

  it("touches `process` only in the composition and where a pid or a child process is needed", () => {
    const allowed = new Set([
      "compose.ts", // the composition: env, argv, signals, the real streams
      "process-streams.ts", // the process's own stdout/stderr
      "launch.ts", // bin/rxportal.js (the build makes it of this file): argv and the exit code
      "boot.ts", // the launcher: Node's version, its environment and built-ins
      "loader.ts", // the launcher's loader (moved out of boot.ts): Node's built-ins
      "credentials/helper.ts", // the keychain helper is a child process
      "refill/journal.ts", // lock files carry the holder's pid
      "auth/guard-lock.ts", // the same for the lockout guard's lock
    ]);
    const users = (sourceFiles(root) as string[])
      .filter((file) => /\bprocess\.[a-zA-Z]/.test(stripComments(readFileSync(file, "utf8"))))
      .map(rel)
      .filter((name) => !allowed.has(name));
    expect(users).toEqual([]);
  });
});

/**
 * "a -> target" for every file that imports `target` (type-only and lazy imports included) and
 * may not: by default anything but the command layer, main.ts and the composition.
 */
function importersOf(
  target: string,
  graph: Map<string, Set<string>>,
  allowed = ["main.ts", "compose.ts"],
): string[] {
  const wanted = resolve(root, target);
  const out: string[] = [];
  for (const [file, deps] of graph) {
    const name = rel(file);
    if (!deps.has(wanted) || allowed.includes(name)) continue;
    if (target === "context.ts" && name.startsWith("commands/")) continue;
    out.push(`${name} -> ${target}`);
  }
  return out.sort();
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}
