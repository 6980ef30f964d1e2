import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { calendarDate, timestamp } from "../../test/contract/arbitraries.js";
import {
  listOf,
  openEnum,
  optional,
  parseRfc3339,
  ReadCountSchema,
  ReadDateSchema,
  ReadTimestampSchema,
  safeText,
} from "./lenient.js";
import { OrderListSchema, PrescriptionListSchema, StatusSchema } from "./schemas.js";

describe("parseRfc3339", () => {
  it("reads every form RFC 3339 permits to the instant Date.parse gives its plain form", () => {
    fc.assert(
      fc.property(timestamp(), (text) => {
        const ms = parseRfc3339(text);
        expect(ms, text).toBeTypeOf("number");
        // The same instant written the way Date.parse is sure to read: upper-case, T, <= 3 digits.
        const plain = text
          .toUpperCase()
          .replace(" ", "T")
          .replace(/:60(?=[.Z+-])/, ":59")
          .replace(/(\.\d{1,3})\d*/, "$1");
        const leap = /:60(?=[.zZ+-])/.test(text);
        const expected = Date.parse(plain);
        if (!leap && !Number.isNaN(expected)) {
          expect(Math.abs((ms as number) - expected), text).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ["2026-11-23T14:05:00Z", Date.UTC(2026, 10, 23, 14, 5)],
    ["2026-11-23t14:05:00z", Date.UTC(2026, 10, 23, 14, 5)],
    ["2026-11-23 14:05:00-00:00", Date.UTC(2026, 10, 23, 14, 5)],
    ["2026-11-23T15:05:00.123456789+01:00", Date.UTC(2026, 10, 23, 14, 5, 0, 123)],
    ["2016-12-31T23:59:60Z", Date.UTC(2016, 11, 31, 23, 59, 59, 999)],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
  ])("%s", (text, ms) => {
    expect(parseRfc3339(text)).toBe(ms);
  });

  it.each([
    "2023-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-11-23T24:00:00Z",
    "2026-11-23T14:05:61Z",
    "2026-11-23T14:05:00",
    "2026-11-23T14:05Z",
    "2026-11-23T14:05:00+24:00",
    "2026-11-23",
    "yesterday",
  ])("refuses %s", (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});

describe("ReadTimestampSchema", () => {
  it("keeps a time Date.parse reads right, and rewrites the others to toISOString()", () => {
    expect(ReadTimestampSchema.parse("2026-11-23T14:05:00+05:30")).toBe("2026-11-23T14:05:00+05:30");
    expect(ReadTimestampSchema.parse("2016-12-31T23:59:60Z")).toBe("2016-12-31T23:59:59.999Z");
  });

  it("always hands on something Date.parse reads to the same instant", () => {
    fc.assert(
      fc.property(timestamp(), (text) => {
        const out = ReadTimestampSchema.parse(text);
        expect(Date.parse(out)).toBe(parseRfc3339(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe("small pieces", () => {
  it("optional: absent and null both read as absent", () => {
    const s = optional(ReadCountSchema);
    expect(s.parse(undefined)).toBeUndefined();
    expect(s.parse(null)).toBeUndefined();
    expect(s.parse("12")).toBe(12);
  });

  it("openEnum keeps unknown values and tells them apart", () => {
    const e = openEnum(["a", "b"] as const);
    expect(e.parse("zzz")).toBe("zzz");
    expect(e.isKnown("a")).toBe(true);
    expect(e.isKnown("zzz")).toBe(false);
    // Another enum keeps its own list; the first is not changed by it.
    const other = openEnum(["c"] as const);
    expect(other.isKnown("c")).toBe(true);
    expect(other.isKnown("a")).toBe(false);
    expect(e.isKnown("a")).toBe(true);
    expect(e.known).toEqual(["a", "b"]);
    // Both read as text does: made terminal-safe, unknown values kept, non-strings refused.
    expect(e.parse("a\u0007\u001bb")).toBe("a b");
    expect(e.safeParse(3).success).toBe(false);
    expect(z.optional(other).parse(undefined)).toBeUndefined();
    expect(z.array(other).parse(["c", "d"])).toEqual(["c", "d"]);
  });

  it("safeText leaves no control character or bidi override, and keeps the rest", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
        expect(safeText(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }),
    );
    expect(safeText("Ünïcødé 名前 🙂")).toBe("Ünïcødé 名前 🙂");
    expect(safeText("a\u001b[2Jb")).toBe("a [2Jb");
  });

  it("every calendar date the arbitraries make is read as a date", () => {
    fc.assert(
      fc.property(calendarDate(), (d) => {
        expect(ReadDateSchema.safeParse(d).success, d).toBe(true);
      }),
    );
  });
});

describe("lists read item by item", () => {
  it("keeps the good items in order and names each bad one by index and id", () => {
    const list = listOf(ReadCountSchema, "rxId");
    expect(list.parse([1, "x", { rxId: "RX-9" }, 3])).toEqual({
      items: [1, 3],
      problems: [
        { index: 1, reason: expect.any(String) },
        { index: 2, id: "RX-9", reason: expect.any(String) },
      ],
    });
  });

  it("an envelope without a list is still a schema error", () => {
    expect(PrescriptionListSchema.safeParse({ items: {} }).success).toBe(false);
    expect(OrderListSchema.safeParse({}).success).toBe(false);
  });

  it("one odd prescription costs only itself", () => {
    const good = {
      rxId: "RX1",
      memberId: "M1",
      drug: "Sertraline",
      strength: "50 mg",
      quantity: 30,
      daysSupply: "30",
      refillsRemaining: 2,
      lastFilled: null,
      autoRefill: false,
      status: "on_hold",
      somethingNew: { x: 1 },
    };
    const parsed = PrescriptionListSchema.parse({ items: [good, { rxId: "RX2", drug: "Metformin" }] });
    expect(parsed.items).toEqual([
      {
        rxId: "RX1",
        memberId: "M1",
        drug: "Sertraline",
        strength: "50 mg",
        quantity: 30,
        daysSupply: 30,
        refillsRemaining: 2,
        autoRefill: false,
        status: "on_hold",
      },
    ]);
    expect(parsed.problems).toEqual([
      { index: 1, id: "RX2", reason: expect.stringMatching(/^memberId: missing \(expected string\)/) },
    ]);
    // The reason names fields, never the portal's values (they may be health data).
    expect(JSON.stringify(parsed.problems)).not.toContain("Metformin");
  });

  it("status: an unreadable component is lifted into problems, the others kept", () => {
    const parsed = StatusSchema.parse({
      status: "operational",
      components: [
        { name: "login", status: "operational" },
        { name: 5 },
        { name: "kiosk", status: "paused" },
      ],
      apps: { ios: { minimum: "5", latest: "5.1" }, android: { minimum: "5.0.0", latest: "5.1.0" } },
      serverTime: "2026-11-23T14:05:00.5Z",
    });
    expect(parsed.components.map((c) => c.name)).toEqual(["login", "kiosk"]);
    expect(parsed.problems).toEqual([{ field: "components", index: 1, reason: expect.any(String) }]);
  });
});
