// RFC 6238 time-based one-time passwords (HMAC-SHA1, 30 s steps, 6 digits), the scheme every
// authenticator app speaks. The sandbox verifies its TOTP member with it, and the CLI's health
// checks can sign a monitoring account in without a person reading a code.
import { createHmac, timingSafeEqual } from "node:crypto";
import { ConfigError } from "../errors.js";

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const TOTP_STEP_SECONDS = 30;

/**
 * Decodes RFC 4648 base32. Authenticator secrets are shown in groups and lower case, so spaces,
 * dashes, padding and case are ignored; any other character is an error rather than a silent
 * wrong secret.
 */
export function decodeBase32(text: string): Buffer {
  const clean = text.replace(/[\s-]/g, "").replace(/=+$/, "").toUpperCase();
  if (clean.length === 0) throw new TotpSecretError("it is empty");
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  let position = 0;
  for (const char of clean) {
    position++;
    const value = BASE32_ALPHABET.indexOf(char);
    // The character itself is not shown: it is part of a secret.
    if (value === -1) throw new TotpSecretError(`character ${position} is not base32 (only A-Z and 2-7)`);
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >>> bits) & 0xff);
    }
  }
  if (bytes.length === 0) throw new TotpSecretError("it is too short");
  return Buffer.from(bytes);
}

/**
 * A TOTP secret that is not base32 (exit 78). The only secret a person supplies is
 * RXPORTAL_TOTP_SECRET, so the hint names it; the message never shows the secret.
 */
export class TotpSecretError extends ConfigError {
  constructor(reason: string) {
    super(`The TOTP secret is not a base32 authenticator key: ${reason}.`, {
      hint: "Check RXPORTAL_TOTP_SECRET: it is the key the authenticator app was set up with (letters A-Z and digits 2-7).",
      keyPath: "RXPORTAL_TOTP_SECRET",
    });
  }
}

/** Encodes bytes as RFC 4648 base32 without padding (the form authenticator apps accept). */
export function encodeBase32(data: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function hotp(key: Buffer, counter: number, digits: number): string {
  const message = Buffer.alloc(8);
  // Counters past 2^32 occur for far-future times (an RFC test vector uses year 2603).
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return (binary % 10 ** digits).toString().padStart(digits, "0");
}

/** The TOTP code for `timeMs` (6 digits unless told otherwise; RFC 6238's vectors use 8). */
export function generateTotp(secretBase32: string, timeMs: number, digits = 6): string {
  const counter = Math.floor(timeMs / 1000 / TOTP_STEP_SECONDS);
  return hotp(decodeBase32(secretBase32), counter, digits);
}

/**
 * True when `code` matches the step of `timeMs` or one of the `window` steps either side: phones
 * and servers drift, and a person needs a few seconds to type the code.
 */
export function verifyTotp(secretBase32: string, code: string, timeMs: number, window = 1): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const key = decodeBase32(secretBase32);
  const counter = Math.floor(timeMs / 1000 / TOTP_STEP_SECONDS);
  const given = Buffer.from(code);
  let matched = false;
  for (let delta = -window; delta <= window; delta++) {
    if (counter + delta < 0) continue;
    // No early return: every step is compared so the timing does not reveal which one matched.
    if (timingSafeEqual(Buffer.from(hotp(key, counter + delta, 6)), given)) matched = true;
  }
  return matched;
}
