import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { cappedRetryAfterMs, describeSeconds, parseRetryAfter } from "./retry-after.js";

const NOW = Date.parse("2025-03-01T12:00:00Z");
const clock = new ManualClock(NOW);

describe("parseRetryAfter", () => {
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("120", clock)).toBe(120);
    expect(parseRetryAfter(" 7 ", clock)).toBe(7);
    expect(parseRetryAfter("0", clock)).toBe(0);
  });

  it("turns a negative delta into 0", () => {
    expect(parseRetryAfter("-30", clock)).toBe(0);
  });

  it("reads an IMF-fixdate relative to the clock, rounding up", () => {
    expect(parseRetryAfter("Sat, 01 Mar 2025 12:02:00 GMT", clock)).toBe(120);
    const halfSecondLater = new ManualClock(NOW + 500);
    expect(parseRetryAfter("Sat, 01 Mar 2025 12:00:10 GMT", halfSecondLater)).toBe(10);
  });

  it("reads the obsolete RFC 850 and asctime forms as GMT", () => {
    expect(parseRetryAfter("Saturday, 01-Mar-25 12:01:00 GMT", clock)).toBe(60);
    expect(parseRetryAfter("Sat Mar  1 12:00:30 2025", clock)).toBe(30);
  });

  it("turns a date in the past into 0", () => {
    expect(parseRetryAfter("Sat, 01 Mar 2025 11:00:00 GMT", clock)).toBe(0);
  });

  it("rejects junk instead of guessing", () => {
    for (const junk of [
      "",
      "soon",
      "1.5",
      "12 seconds",
      "Sat, 01 Mar 2025 12:02:00",
      "0x10",
      "Sat, 99 Foo 2025 12:02:00 GMT",
    ]) {
      expect(parseRetryAfter(junk, clock), junk).toBeUndefined();
    }
    expect(parseRetryAfter(null, clock)).toBeUndefined();
    expect(parseRetryAfter(undefined, clock)).toBeUndefined();
  });
});

describe("cappedRetryAfterMs", () => {
  it("honours waits up to the cap and refuses longer ones", () => {
    expect(cappedRetryAfterMs(2, 30_000)).toBe(2000);
    expect(cappedRetryAfterMs(30, 30_000)).toBe(30_000);
    expect(cappedRetryAfterMs(31, 30_000)).toBeUndefined();
    expect(cappedRetryAfterMs(0, 30_000)).toBe(0);
  });
});

describe("describeSeconds", () => {
  it("says waits in words", () => {
    expect(describeSeconds(1)).toBe("1 second");
    expect(describeSeconds(45)).toBe("45 seconds");
    expect(describeSeconds(120)).toBe("2 minutes");
    expect(describeSeconds(3 * 3600)).toBe("3 hours");
    expect(describeSeconds(3 * 86400)).toBe("3 days");
  });
});
