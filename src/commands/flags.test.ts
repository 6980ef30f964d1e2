// Option values generated with fast-check, through run() in-process: a value the rule refuses
// always exits 64 (health: 3) with one line on stderr in commander's words, and a value it
// accepts always reaches the command.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { testContext } from "../../test/helpers/context.js";
import { run } from "../main.js";
import { MAX_TIMEOUT_MS } from "./flags.js";

/** Values a person or a script could type: digits, near-misses, signs, points, spaces, words. */
const value = fc.oneof(
  fc.nat({ max: 2 * MAX_TIMEOUT_MS }).map(String),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom(
    "",
    "0",
    "1",
    "65535",
    "65536",
    "86400000",
    "86400001",
    "1.5",
    "1e3",
    " 1",
    "0x10",
    "+1",
    "9".repeat(20),
  ),
  fc.string({ maxLength: 8 }),
);

const whole = (v: string, min: number, max: number) =>
  /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;

async function rx(args: string[]) {
  const t = testContext();
  const code = await run(args, t.ctx);
  return { code, stdout: t.stdout.text, stderr: t.stderr.text };
}

/** Folded onto one line, as main.ts prints every message. */
const oneLine = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");

function refused(r: { code: number; stderr: string }, code: number, flags: string, v: string, rule: string) {
  expect(r.code).toBe(code);
  expect(r.stderr).toBe(`rxportal: ${oneLine(`option '${flags}' argument '${v}' is invalid. ${rule}`)}\n`);
}

describe("option values through run()", () => {
  it("--timeout: 1 to a day in whole milliseconds, or exit 64 with one line", async () => {
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        const r = await rx([`--timeout=${v}`, "config", "path"]);
        if (whole(v, 1, MAX_TIMEOUT_MS)) {
          expect(r.code, r.stderr).toBe(0);
          expect(r.stdout).toMatch(/config/);
        } else {
          refused(
            r,
            64,
            "--timeout <ms>",
            v,
            `--timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.`,
          );
        }
      }),
      { numRuns: 60 },
    );
  });

  it("tree export --format: mermaid, dot or json, or exit 64 with one line", async () => {
    const format = fc.oneof(
      fc.constantFrom("mermaid", "dot", "json", "Mermaid", "svg", "png", ""),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(format, async (v) => {
        const r = await rx(["tree", "export", `--format=${v}`]);
        if (["mermaid", "dot", "json"].includes(v)) {
          expect(r.code, r.stderr).toBe(0);
          expect(r.stdout.length).toBeGreaterThan(0);
        } else {
          refused(r, 64, "--format <format>", v, "Allowed choices are mermaid, dot, json.");
        }
      }),
      { numRuns: 25 },
    );
  });

  it("health --cert-warn-days: a whole number of days, or UNKNOWN (exit 3) with one line", async () => {
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        // An unknown profile stops a good value once the command runs: nothing is probed.
        const r = await rx(["--profile", "no-such-profile", "health", `--cert-warn-days=${v}`]);
        expect(r.code).toBe(3);
        if (whole(v, 0, Number.MAX_SAFE_INTEGER)) {
          // The command ran: what stopped it is the profile, or the thresholds' own check.
          expect(r.stderr).not.toMatch(/is invalid/);
          expect(r.stderr).toMatch(/no-such-profile|--cert-/);
        } else {
          refused(
            r,
            3,
            "--cert-warn-days <n>",
            v,
            `--cert-warn-days must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}.`,
          );
        }
      }),
      { numRuns: 40 },
    );
  });

  it("with --json a refused value is also the JSON error document on stdout", async () => {
    await fc.assert(
      fc.asyncProperty(
        value.filter((v) => !whole(v, 1, MAX_TIMEOUT_MS)),
        async (v) => {
          const r = await rx(["--json", `--timeout=${v}`, "status"]);
          expect(r.code).toBe(64);
          expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: "usage", exitCode: 64 } });
        },
      ),
      { numRuns: 20 },
    );
  });
});
