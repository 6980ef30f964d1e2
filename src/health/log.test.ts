import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../test/helpers/cases.js";
import { formatLogLine } from "./log.js";

/** A small logfmt reader: key=value or key="quoted \"value\"". */
function readLogfmt(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.trimEnd().matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    const raw = m[2] as string;
    out[m[1] as string] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return out;
}

describe("formatLogLine", () => {
  it("logfmt: time, level, msg first, then the fields", () => {
    expect(
      formatLogLine("logfmt", 0, "warn", "probe refused", { target: "nope", reason: "unknown_target" }),
    ).toBe(
      'time=1970-01-01T00:00:00.000Z level=warn msg="probe refused" target=nope reason=unknown_target\n',
    );
  });

  it("any message and field values: exactly one line, read back unchanged, in both formats", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.string()),
        (msg, fields) => {
          delete fields.time;
          delete fields.level;
          delete fields.msg;
          for (const format of ["logfmt", "json"] as const) {
            const line = formatLogLine(format, 1_700_000_000_000, "info", msg, fields);
            expect(line.endsWith("\n")).toBe(true);
            expect(line.slice(0, -1)).not.toMatch(/[\n\r]/);
            const back = format === "json" ? (JSON.parse(line) as Record<string, string>) : readLogfmt(line);
            expect(back).toEqual({ time: "2023-11-14T22:13:20.000Z", level: "info", msg, ...fields });
          }
        },
      ),
      { numRuns: cases(300) },
    );
  });
});
