// The shape of the code, checked: no import cycle among src/ files (type-only and lazy imports
// included), ui/ depends on nothing of the composition, and `process` is touched only by the
// composition (context.ts, process-streams.ts, boot.ts) and the files that need a pid or a child
// process.
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

  it("ui/ imports only ui/ and errors.ts", () => {
    const graph = importGraph(root) as Map<string, Set<string>>;
    const outside: string[] = [];
    for (const [file, deps] of graph) {
      if (!rel(file).startsWith("ui/")) continue;
      for (const dep of deps) {
        const name = rel(dep);
        if (!name.startsWith("ui/") && name !== "errors.ts") outside.push(`${rel(file)} -> ${name}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it("touches `process` only in the composition and where a pid or a child process is needed", () => {
    const allowed = new Set([
      "context.ts", // the composition: env, argv, signals, the real streams
      "process-streams.ts", // the process's own stdout/stderr
      "boot.ts", // the launcher's loader: Node's version and built-ins
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

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}
