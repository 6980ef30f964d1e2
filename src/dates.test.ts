// The zod-free date checks against the zod checks they stand for, on generated text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { cases } from "../test/helpers/cases.js";
import { isIsoDate, isIsoDateTime } from "./dates.js";

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** yyyy-mm-dd with numbers in and out of range, leap-year edges included. */
const dateLike = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1900, 2000, 2024, 2100, 2400)),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
  )
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);

describe("isIsoDate", () => {
  const zodDate = z.iso.date();

  it("agrees with zod's z.iso.date() on dates that exist and dates that do not", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          dateLike,
          fc.stringMatching(/^\d{1,5}-\d{1,3}-\d{1,3}$/),
          fc.string({ maxLength: 12 }),
          fc.constantFrom("２０２６-01-01", "2026-01-01\n", " 2026-01-01", "2026-1-01", "+2026-01-01"),
        ),
        (text) => {
          expect(isIsoDate(text), text).toBe(zodDate.safeParse(text).success);
        },
      ),
      { numRuns: cases(3000) },
    );
  });
});

describe("isIsoDateTime", () => {
  const zodDateTime = z.iso.datetime({ offset: true });
  const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => pad(n, 2));
  const dateTimeLike = fc
    .record({
      date: dateLike,
      sep: fc.constantFrom("T", "T", "T", "t", " "),
      hour: fc.oneof(
        fc.integer({ min: 0, max: 23 }).map((n) => pad(n, 2)),
        twoDigits,
      ),
      minute: fc.oneof(
        fc.integer({ min: 0, max: 59 }).map((n) => pad(n, 2)),
        twoDigits,
      ),
      second: fc.oneof(
        fc.integer({ min: 0, max: 59 }).map((n) => `:${pad(n, 2)}`),
        twoDigits.map((s) => `:${s}`),
        fc.constant(""),
      ),
      fraction: fc.oneof(fc.constant(""), fc.stringMatching(/^\.\d{1,12}$/), fc.constant(".")),
      zone: fc.oneof(
        fc.constantFrom("Z", "z", "", "+00:00", "-00:00", "+24:00", "+0000", "UTC"),
        fc.tuple(fc.constantFrom("+", "-"), twoDigits, twoDigits).map(([s, h, m]) => `${s}${h}:${m}`),
      ),
    })
    .map((t) => `${t.date}${t.sep}${t.hour}:${t.minute}${t.second}${t.fraction}${t.zone}`);

  /** The forms rxportal writes (`toISOString`) and other offsets: nearly all valid. */
  const rfc3339 = fc
    .tuple(
      fc.date({ noInvalidDate: true, min: new Date(-6e13), max: new Date(2.5e14) }),
      fc.integer({ min: -14, max: 14 }),
    )
    .map(([d, h]) =>
      h === 0
        ? d.toISOString()
        : `${d.toISOString().slice(0, 19)}${h < 0 ? "-" : "+"}${pad(Math.abs(h), 2)}:30`,
    );

  it("agrees with zod's z.iso.datetime({ offset: true }) on generated date-times", () => {
    let valid = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 3, arbitrary: rfc3339 },
          { weight: 3, arbitrary: dateTimeLike },
          { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
        ),
        (text) => {
          const expected = zodDateTime.safeParse(text).success;
          if (expected) valid++;
          expect(isIsoDateTime(text), text).toBe(expected);
        },
      ),
      { numRuns: cases(4000) },
    );
    // Both answers were reached often.
    expect(valid).toBeGreaterThan(cases(4000) / 20);
    expect(isIsoDateTime(new Date(0).toISOString())).toBe(true);
  });
});
