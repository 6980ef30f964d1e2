import { describe, expect, it } from "vitest";
import { readArgv, requestedCommand, VALUE_OPTIONS } from "./argv.js";

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

describe("readArgv: whether the top-level help comes before the command", () => {
  it.each([
    [["--help", "contacts"], "contacts", true],
    [["-h"], undefined, true],
    [["--profile", "--help", "status"], "status", false],
    [["--profile", "x", "-h", "status"], "status", true],
    [["contacts", "--help"], "contacts", false],
    [["--", "--help"], "--help", false],
    [["status"], "status", false],
  ])("%j → %s, %s", (argv, command, helpFirst) => expect(readArgv(argv)).toEqual({ command, helpFirst }));
});

describe("VALUE_OPTIONS", () => {
  it("are the global options that take a value, from the table", () => {
    expect([...VALUE_OPTIONS].sort()).toEqual([
      "--config",
      "--lang",
      "--profile",
      "--sandbox-fault",
      "--timeout",
    ]);
  });
});
