// The command table is complete: every command has a handler that loads (or subcommands), every
// command with options has a flag schema naming exactly those options (or says why not), and
// every command is reachable through --help. The light definitions of the commands a run does not
// ask for list exactly as full ones would.
import { Option } from "commander";
import { describe, expect, it } from "vitest";
import { testContext } from "../../test/helpers/context.js";
import { run } from "../main.js";
import type { CommandSpec } from "./kit.js";
import { buildProgram } from "./program.js";
import { commands, program } from "./table.js";

interface Entry {
  path: string[];
  spec: CommandSpec;
}

function entries(specs: readonly CommandSpec[], above: string[] = []): Entry[] {
  return specs.flatMap((spec) => {
    const path = [...above, spec.name];
    return [{ path, spec }, ...entries(spec.commands ?? [], path)];
  });
}

const all = entries(commands);
const attributes = (spec: { options?: CommandSpec["options"] }) =>
  (spec.options ?? []).map((o) => new Option(o.flags, o.description).attributeName()).sort();
const shapeKeys = (schema: unknown) =>
  Object.keys((schema as { shape: Record<string, unknown> }).shape).sort();

describe("the command table", () => {
  it("has every command of the CLI, once", () => {
    expect(all.length).toBeGreaterThan(30);
    const names = all.map((e) => e.path.join(" "));
    expect(new Set(names).size).toBe(names.length);
    for (const wanted of [
      "doctor",
      "keychain status",
      "refill order",
      "health serve",
      "reset start",
      "config path",
    ])
      expect(names).toContain(wanted);
  });

  it.each(all.map((e) => [e.path.join(" "), e] as const))(
    "%s: a handler that loads, or subcommands",
    async (_, e) => {
      const { spec } = e;
      expect(Boolean(spec.handler) || Boolean(spec.commands?.length)).toBe(true);
      if (spec.handler) expect(typeof (await spec.handler())).toBe("function");
    },
  );

  it.each(all.map((e) => [e.path.join(" "), e] as const))(
    "%s: a flag schema for exactly its options",
    async (_, e) => {
      const { spec } = e;
      if (!spec.options?.length) {
        expect(spec.flags).toBeUndefined();
        return;
      }
      if (spec.lightFlags) {
        // Checked by the handler: only text and switches reach it.
        expect(spec.flags).toBeUndefined();
        expect(spec.options.every((o) => !o.default && !o.choices && !o.repeatable)).toBe(true);
        return;
      }
      expect(spec.flags, "flags").toBeDefined();
      expect(shapeKeys(await spec.flags?.())).toEqual(attributes(spec));
    },
  );

  it("the global options have one too", async () => {
    expect(shapeKeys(await program.flags())).toEqual(attributes(program));
  });

  it("only contacts checks its options without a schema", () => {
    expect(all.filter((e) => e.spec.lightFlags).map((e) => e.path.join(" "))).toEqual(["contacts"]);
  });
});

describe("the program built from it", () => {
  const noop = () => {};

  it("lists every top-level command the same, whichever one is defined in full", () => {
    const { ctx } = testContext();
    const full = buildProgram(ctx, noop).helpInformation();
    for (const { name } of commands) {
      for (const argv of [["--help", name], ["-h", name], ["--profile", "x", "--help", name], [`${name}x`]])
        expect(buildProgram(ctx, noop, argv).helpInformation(), argv.join(" ")).toBe(full);
    }
    expect(buildProgram(ctx, noop, ["--help"]).helpInformation()).toBe(full);
  });

  it("defines the requested command in full, alone, and the others light for the top-level help", () => {
    const { ctx } = testContext();
    const built = buildProgram(ctx, noop, ["--profile", "x", "refill", "list"]);
    expect(built.commands.map((c) => c.name())).toEqual(["refill"]);
    expect(built.commands[0]?.commands.map((c) => c.name())).toEqual(["list", "order", "pending"]);
    const listed = buildProgram(ctx, noop, ["--help", "refill", "list"]);
    const refill = listed.commands.find((c) => c.name() === "refill");
    const health = listed.commands.find((c) => c.name() === "health");
    expect(refill?.commands.map((c) => c.name())).toEqual(["list", "order", "pending"]);
    expect(health?.commands).toHaveLength(0);
    expect(health?.options).toHaveLength(1);
  });

  it.each(all.map((e) => [e.path.join(" "), e] as const))("%s: reachable through --help", async (_, e) => {
    const t = testContext();
    expect(await run([...e.path, "--help"], t.ctx)).toBe(0);
    expect(t.stdout.text).toMatch(new RegExp(`^Usage: rxportal ${e.path.join(" ")}( |$)`, "m"));
    expect(t.stderr.text).toBe("");
    if (!e.spec.hidden && e.path.length > 1) {
      const parent = testContext();
      await run([...e.path.slice(0, -1), "--help"], parent.ctx);
      expect(parent.stdout.text).toMatch(new RegExp(`^ {2}${e.spec.name}\\b`, "m"));
    }
  });
});
