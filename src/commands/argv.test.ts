import { describe, expect, it } from "vitest";
import { requestedCommand, VALUE_OPTIONS } from "./argv.js";

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
