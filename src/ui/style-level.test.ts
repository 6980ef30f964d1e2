// The colourless stand-in against chalk itself: any chain of chalk's styles, called with any
// arguments, must write what `new Chalk({ level: 0 })` writes.
import { Chalk, type ChalkInstance } from "chalk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../test/helpers/cases.js";
import { loadStyle, noColor } from "./style-level.js";

const chalk0 = new Chalk({ level: 0 });
// chalk's own list of styles (modifiers, colours, backgrounds), from the instance's prototype.
const STYLES = Object.getOwnPropertyNames(Object.getPrototypeOf(chalk0)).filter(
  (k) =>
    !["constructor", "level", "visible", "rgb", "hex", "ansi256", "bgRgb", "bgHex", "bgAnsi256"].includes(k),
);

type Step = { style: string } | { model: string; args: readonly unknown[] };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...STYLES, "visible").map((style) => ({ style })) },
  fc.constantFrom(
    { model: "hex", args: ["#ff0000"] },
    { model: "bgHex", args: ["#00ff00"] },
    { model: "rgb", args: [1, 2, 3] },
    { model: "bgRgb", args: [9, 8, 7] },
    { model: "ansi256", args: [42] },
    { model: "bgAnsi256", args: [7] },
  ),
);
const arg = fc.oneof(fc.string(), fc.integer(), fc.constant(undefined), fc.constant(null), fc.boolean());

function apply(base: ChalkInstance, steps: Step[]): ChalkInstance {
  let c = base as unknown as Record<string, unknown>;
  for (const s of steps) {
    c =
      "style" in s
        ? (c[s.style] as Record<string, unknown>)
        : (c[s.model] as (...a: unknown[]) => Record<string, unknown>)(...s.args);
  }
  return c as unknown as ChalkInstance;
}

describe("noColor", () => {
  it("writes what chalk writes at level 0, for any chain of styles and any arguments", () => {
    expect(STYLES.length).toBeGreaterThan(30);
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 4 }),
        fc.array(arg, { maxLength: 4 }),
        (steps, args) => {
          expect(apply(noColor, steps)(...args)).toBe(apply(chalk0, steps)(...args));
        },
      ),
      { numRuns: cases(500) },
    );
    expect(noColor.level).toBe(0);
  });

  it("loadStyle: colourless streams get it without chalk, a terminal gets chalk", async () => {
    const io = (tty: boolean) => ({
      stdout: { write: () => true, isTTY: tty },
      stderr: { write: () => true, isTTY: tty },
      stdin: process.stdin,
    });
    const piped = await loadStyle({ env: {}, globals: {}, io: io(false) });
    expect(piped.color).toBe(noColor);
    expect(piped.plain).toBe(true);
    const terminal = await loadStyle({ env: {}, globals: {}, io: io(true) });
    expect(terminal.color).not.toBe(noColor);
    expect(terminal.color.level).toBe(1);
    expect(terminal.plain).toBe(false);
    const forced = await loadStyle({ env: { FORCE_COLOR: "3" }, globals: {}, io: io(false) });
    expect(forced.color.red("x")).toBe("\u001b[31mx\u001b[39m");
  });
});
