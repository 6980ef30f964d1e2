// The clock arithmetic of the OIDC checks, on simulated exchanges (properties): the range always
// holds the true offset, a clock within the tolerance is never called wrong, and one clearly
// beyond it always is, whichever way. The tolerance is the ID token's (src/auth/oidc/id-token.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ID_TOKEN_TOLERANCE_SECONDS as TOLERANCE } from "../auth/oidc/id-token.js";
import { iatOf, judgeClock, providerOffset, sameIssuer, tokenBehind } from "./oidc-probes.js";

/** One request: sent at `sentAt` by our clock, stamped by the provider (clock ours + offset) somewhere in flight. */
const exchange = fc.record({
  sentAt: fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
  rtt: fc.integer({ min: 0, max: 2_000 }),
  /** Where in the round trip the provider wrote its Date, 0..1. */
  at: fc.double({ min: 0, max: 1, noNaN: true }),
});

function sample(offsetMs: number, e: { sentAt: number; rtt: number; at: number }) {
  const stampedOurs = e.sentAt + e.rtt * e.at;
  const providerNow = stampedOurs + offsetMs;
  return {
    sentAt: e.sentAt,
    receivedAt: e.sentAt + e.rtt,
    date: new Date(Math.floor(providerNow / 1000) * 1000).toUTCString(),
  };
}

describe("the provider's clock, from Date headers", () => {
  it("the range holds the true offset, and the verdict is right outside the uncertainty (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(TOLERANCE + 120) * 1000, max: (TOLERANCE + 120) * 1000 }),
        fc.array(exchange, { minLength: 1, maxLength: 3 }),
        (offset, exchanges) => {
          // Requests follow one another, as the probe's do.
          let t = exchanges[0]?.sentAt ?? 0;
          const samples = exchanges.map((e) => {
            const s = sample(offset, { ...e, sentAt: t });
            t += e.rtt + 1;
            return s;
          });
          const range = providerOffset(samples);
          expect(range).toBeDefined();
          if (!range) return;
          expect(range.low).toBeLessThanOrEqual(offset);
          expect(range.high).toBeGreaterThanOrEqual(offset);
          const verdict = judgeClock(range, TOLERANCE);
          const slack = 1000 + Math.max(...exchanges.map((e) => e.rtt));
          if (Math.abs(offset) <= TOLERANCE * 1000) expect(verdict.outcome).toBe("ok");
          if (Math.abs(offset) > TOLERANCE * 1000 + slack) {
            expect(verdict.outcome).toBe("problem");
            // skew is ours minus the provider's: a provider ahead means we are behind.
            expect(Math.sign(verdict.skew)).toBe(-Math.sign(offset));
            expect(Math.abs(verdict.skew * 1000 + offset)).toBeLessThanOrEqual(slack);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("no Date header at all: nothing to judge", () => {
    expect(providerOffset([{ sentAt: 0, receivedAt: 10 }])).toBeUndefined();
    expect(providerOffset([{ sentAt: 0, receivedAt: 10, date: "not a date" }])).toBeUndefined();
  });
});

describe("the provider's clock, from a kept token's iat", () => {
  it("only an iat beyond the tolerance in our future counts, never one in the past (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }),
        fc.integer({ min: -86_400, max: 86_400 }),
        (nowSeconds, ahead) => {
          const now = nowSeconds * 1000;
          const behind = tokenBehind(nowSeconds + ahead, now, TOLERANCE);
          if (ahead > TOLERANCE) expect(behind).toBe(ahead);
          else expect(behind).toBeUndefined();
        },
      ),
    );
  });
});

describe("the issuer comparison", () => {
  it("is login's: the same URL, whatever the spelling of an empty path or the host's case", () => {
    expect(sameIssuer("https://id.acme.example", "https://id.acme.example/")).toBe(true);
    expect(sameIssuer("https://id.acme.example", "https://ID.acme.example")).toBe(true);
    expect(sameIssuer("https://id.acme.example/realms/a", "https://id.acme.example/realms/a/")).toBe(false);
    expect(sameIssuer("http://127.0.0.1:4000", "http://localhost:4000")).toBe(false);
    expect(sameIssuer("https://id.acme.example", "http://id.acme.example")).toBe(false);
  });
});

describe("a kept token's iat", () => {
  it("is read from a JWT's payload, and anything else gives none", () => {
    const jwt = (payload: unknown) =>
      `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.sig`;
    expect(iatOf(jwt({ iat: 1_800_000_000, sub: "x" }))).toBe(1_800_000_000);
    expect(iatOf(jwt({ sub: "x" }))).toBeUndefined();
    expect(iatOf(jwt({ iat: "soon" }))).toBeUndefined();
    expect(iatOf("opaque-access-token")).toBeUndefined();
    expect(iatOf("a.!!!.c")).toBeUndefined();
  });
});
