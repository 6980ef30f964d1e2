// The code path main reports to src/boot.ts (which keeps code caches per path): the table's names,
// never a word the user typed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../test/helpers/cases.js";
import { closeContext, testContext } from "../test/helpers/context.js";
import { codePath, run } from "./main.js";

const pathOf = async (argv: string[]) => {
  const t = testContext();
  try {
    await run(argv, t.ctx);
    return codePath();
  } finally {
    await closeContext(t.ctx);
  }
};

describe("codePath", () => {
  it("names the command that ran, with --json or not, and help, version and errors", async () => {
    expect(await pathOf(["contacts", "--enrollee", "medicare"])).toBe("contacts");
    expect(await pathOf(["contacts", "--json"])).toBe("contacts --json");
    expect(await pathOf(["tree", "lint"])).toBe("tree lint");
    expect(await pathOf(["--help"])).toBe("help");
    expect(await pathOf(["refill", "--help"])).toBe("help");
    expect(await pathOf(["--version"])).toBe("version");
    expect(await pathOf(["no-such-command"])).toBe("error");
  });

  it("never holds what the user typed", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<string[]>(["contacts"], ["login"], ["tree", "lint"], ["refill", "list"], []),
        fc.stringMatching(/^[A-Za-z0-9!#%&*+=?@^_~-]{6,16}$/),
        async (command, typed) => {
          const path = await pathOf([...command, typed, "--json"]);
          expect(path).toBeDefined();
          expect(path).not.toContain(typed);
        },
      ),
      { numRuns: cases(25) },
    );
  });
});
