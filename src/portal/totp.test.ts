import { describe, expect, it } from "vitest";
import { decodeBase32, encodeBase32, generateTotp, TotpSecretError, verifyTotp } from "./totp.js";

// RFC 6238 appendix B, SHA1 rows: the secret is the ASCII string "12345678901234567890".
const RFC_SECRET = encodeBase32(Buffer.from("12345678901234567890", "ascii"));
const RFC_VECTORS: ReadonlyArray<[seconds: number, code: string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("base32", () => {
  it("encodes the RFC secret as the well-known string", () => {
    expect(RFC_SECRET).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  });
  it("decodes regardless of case, spaces and padding", () => {
    expect(decodeBase32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").toString("ascii")).toBe(
      "12345678901234567890",
    );
    expect(decodeBase32("MZXW6===").toString("ascii")).toBe("foo");
  });
  it("rejects characters outside the alphabet", () => {
    expect(() => decodeBase32("ABC1")).toThrow(/character 4 is not base32/);
    expect(() => decodeBase32("ABC1")).toThrow(TotpSecretError);
    expect(() => decodeBase32("A")).toThrow(/too short/);
    expect(() => decodeBase32("")).toThrow(/empty/);
  });
});

describe("generateTotp", () => {
  it.each(RFC_VECTORS)("matches the RFC 6238 vector at T=%i (8 digits)", (seconds, code) => {
    expect(generateTotp(RFC_SECRET, seconds * 1000, 8)).toBe(code);
  });
  it.each(RFC_VECTORS)("gives the last six digits by default at T=%i", (seconds, code) => {
    expect(generateTotp(RFC_SECRET, seconds * 1000)).toBe(code.slice(2));
  });
});

describe("verifyTotp", () => {
  const t = 1111111111_000;
  it("accepts the current code and one step of drift either side", () => {
    expect(verifyTotp(RFC_SECRET, "050471", t)).toBe(true);
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, t - 30_000), t)).toBe(true);
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, t + 30_000), t)).toBe(true);
  });
  it("refuses codes outside the window, wrong codes and non-codes", () => {
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, t - 60_000), t)).toBe(false);
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, t - 60_000), t, 2)).toBe(true);
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, t - 30_000), t, 0)).toBe(false);
    const wrong = ((Number("050471") + 1) % 1_000_000).toString().padStart(6, "0");
    expect(verifyTotp(RFC_SECRET, wrong, t)).toBe(false);
    expect(verifyTotp(RFC_SECRET, "05047", t)).toBe(false);
    expect(verifyTotp(RFC_SECRET, "05047a", t)).toBe(false);
  });
});
