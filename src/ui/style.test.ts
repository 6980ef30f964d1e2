import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GlobalOptions } from "../context.js";
import { colorLevel, styleFor } from "./style.js";

const io = (stdoutTTY: boolean, stderrTTY: boolean) => ({
  stdout: { write: () => true, isTTY: stdoutTTY },
  stderr: { write: () => true, isTTY: stderrTTY },
  stdin: process.stdin,
});

describe("styleFor: each stream decides from its own terminal", () => {
  it("a piped stdout is plain and colourless while a terminal stderr keeps colour", () => {
    const ctx = { env: {}, globals: {}, io: io(false, true) };
    expect(colorLevel(ctx, "stdout")).toBe(0);
    expect(colorLevel(ctx, "stderr")).toBe(1);
    expect(styleFor(ctx, "stdout").plain).toBe(true);
    expect(styleFor(ctx, "stderr").plain).toBe(false);
    expect(styleFor(ctx, "stdout").color.red("x")).toBe("x");
  });

  it("matches the rules for every combination of flags, environment and terminals", () => {
    const env = fc.record(
      {
        NO_COLOR: fc.constantFrom("", "1", "0"),
        FORCE_COLOR: fc.constantFrom("", "0", "1", "2", "3", "false", "true"),
        TERM: fc.constantFrom("dumb", "xterm-256color"),
      },
      { requiredKeys: [] },
    );
    const globals = fc.record({ color: fc.boolean(), plain: fc.boolean() }, { requiredKeys: [] });
    fc.assert(
      fc.property(
        env,
        globals,
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom("stdout", "stderr"),
        (e, g, out, err, stream) => {
          const ctx = { env: e, globals: g as GlobalOptions, io: io(out, err) };
          const tty = stream === "stdout" ? out : err;
          const level = colorLevel(ctx, stream);
          let expected: number;
          // TERM=dumb is accessible mode (src/ui/accessible.ts): plain, and no colour even when forced.
          if (g.color === false || g.plain || e.TERM === "dumb") expected = 0;
          else if (e.NO_COLOR) expected = 0;
          else if (e.FORCE_COLOR !== undefined)
            expected = ({ "0": 0, false: 0, "2": 2, "3": 3 } as Record<string, number>)[e.FORCE_COLOR] ?? 1;
          else expected = tty ? 1 : 0;
          expect(level).toBe(expected);
          expect(styleFor(ctx, stream).plain).toBe(Boolean(g.plain) || e.TERM === "dumb" || !tty);
        },
      ),
      { numRuns: 300, seed: 10 },
    );
  });
});
