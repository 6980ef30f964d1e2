import { describe, expect, it } from "vitest";
import { Hasher, maskEmail, maskPhone, randomDigits, randomToken } from "./secrets.js";

describe("secrets", () => {
  it("masks destinations the way the portal shows them", () => {
    expect(maskEmail("jamie.doe@example.com")).toBe("j***@example.com");
    expect(maskEmail("broken")).toBe("***");
    expect(maskPhone("+1-555-010-1234")).toBe("***-***-1234");
  });
  it("makes numeric codes of the asked length, leading zeros kept", () => {
    const codes = Array.from({ length: 200 }, () => randomDigits(6));
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(190);
  });
  it("makes long, distinct tokens", () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(randomToken());
  });
  it("hashes with a per-server key and compares without leaking", () => {
    const a = new Hasher();
    const b = new Hasher();
    const hash = a.hash("123456");
    expect(hash).not.toContain("123456");
    expect(a.matches("123456", hash)).toBe(true);
    expect(a.matches("123457", hash)).toBe(false);
    expect(b.matches("123456", hash)).toBe(false);
  });
});
