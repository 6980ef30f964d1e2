// Secrets the sandbox hands out (passwords, one-time codes, tokens) are kept only as keyed hashes,
// like a real portal would: a dump of the sandbox's memory or a stray log line reveals nothing
// that signs anyone in. A per-server random HMAC key is enough here (no offline guessing threat
// against an in-memory demo); scrypt would only slow down every reset() in the tests.
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

export class Hasher {
  constructor(private readonly key: Buffer = randomBytes(32)) {}

  hash(value: string): string {
    return createHmac("sha256", this.key).update(value, "utf8").digest("hex");
  }

  /** Constant-time comparison, so response timing does not leak how much of a code was right. */
  matches(value: string, hash: string): boolean {
    const candidate = Buffer.from(this.hash(value), "hex");
    const stored = Buffer.from(hash, "hex");
    return candidate.length === stored.length && timingSafeEqual(candidate, stored);
  }
}

/** An opaque bearer token or id: 256 random bits, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** A numeric one-time code with a uniform distribution (leading zeros kept). */
export function randomDigits(length: number): string {
  return randomInt(0, 10 ** length)
    .toString()
    .padStart(length, "0");
}

/** `pat.sample@example.com` → `p***@example.com`: enough to recognise, too little to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

/** `+1-555-010-0101` → `***-***-0101`. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  return `***-***-${digits.slice(-4)}`;
}
