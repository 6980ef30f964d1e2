import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { defaultLimits, RateLimiter, resolveLimits } from "./rate-limit.js";

describe("RateLimiter", () => {
  it("allows `limit` requests per sliding window and says when the next one fits", () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter(clock);
    const rule = { limit: 3, windowSeconds: 60 };
    for (let i = 0; i < 3; i++) {
      expect(limiter.take("k", rule)).toEqual({ allowed: true });
      clock.advance(10_000);
    }
    expect(limiter.take("k", rule)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.take("other", rule).allowed).toBe(true);
    clock.advance(30_000);
    expect(limiter.take("k", rule).allowed).toBe(true);
    expect(limiter.take("k", rule).allowed).toBe(false);
  });

  it("refused requests do not extend the wait, and clear() forgets everything", () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(clock);
    const rule = { limit: 1, windowSeconds: 10 };
    limiter.take("k", rule);
    clock.advance(5_000);
    expect(limiter.take("k", rule)).toEqual({ allowed: false, retryAfterSeconds: 5 });
    clock.advance(5_000);
    expect(limiter.take("k", rule).allowed).toBe(true);
    limiter.clear();
    expect(limiter.take("k", rule).allowed).toBe(true);
  });
});

describe("resolveLimits", () => {
  it("overrides only what is given", () => {
    const limits = resolveLimits({ mfaMaxAttempts: 2 });
    expect(limits.mfaMaxAttempts).toBe(2);
    expect(limits.loginPerIp).toEqual(defaultLimits.loginPerIp);
    expect(defaultLimits.loginPerIp).toEqual({ limit: 30, windowSeconds: 60 });
  });
});
