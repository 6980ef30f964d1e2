import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { requestedCommand, selectiveProgram } from "./argv.js";

describe("requestedCommand", () => {
  it.each([
    [["status"], "status"],
    [["--profile", "acme", "--json", "refill", "list"], "refill"],
    [["--timeout", "500", "login"], "login"],
    [["--profile=acme", "whoami"], "whoami"],
    [["help", "reset"], "reset"],
    [["help"], "help"],
    [["--help"], undefined],
    [[], undefined],
  ])("%j → %s", (argv, wanted) => expect(requestedCommand(argv)).toBe(wanted));
});

describe("selectiveProgram", () => {
  function define(program: Command) {
    program
      .command("alpha <x>")
      .description("the alpha")
      .option("--one", "one")
      .option("--two", "two")
      .command("sub")
      .description("a sub");
    program.command("beta").description("the beta").option("--three", "three");
  }

  it("defines the wanted command in full and keeps name, arguments, description and [options] of the rest", () => {
    const program = new Command("t");
    define(selectiveProgram(program, "beta"));
    const [alpha, beta] = program.commands;
    expect(alpha?.name()).toBe("alpha");
    expect(alpha?.description()).toBe("the alpha");
    expect(alpha?.registeredArguments.map((a) => a.name())).toEqual(["x"]);
    expect(alpha?.options).toHaveLength(1);
    expect(alpha?.commands).toHaveLength(0);
    expect(beta?.options.map((o) => o.long)).toEqual(["--three"]);
  });

  it("the root help lists every command as a full definition would", () => {
    const full = new Command("t");
    define(full);
    const light = new Command("t");
    define(selectiveProgram(light, undefined));
    expect(light.helpInformation()).toBe(full.helpInformation());
  });
});
