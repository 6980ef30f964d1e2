import fc from "fast-check";
import * as jose from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { cases } from "../../../test/helpers/cases.js";
import { CliError } from "../../errors.js";
import { ID_TOKEN_TOLERANCE_SECONDS, validateIdToken } from "./id-token.js";

const ISSUER = "https://id.example";
const CLIENT = "rxportal-cli";
const NOW = 1_800_000_000_000;

let good: jose.CryptoKey;
let other: jose.CryptoKey;
let jwks: { keys: unknown[] };

beforeAll(async () => {
  const a = await jose.generateKeyPair("ES256", { extractable: true });
  const b = await jose.generateKeyPair("ES256", { extractable: true });
  good = a.privateKey;
  other = b.privateKey;
  jwks = { keys: [{ ...(await jose.exportJWK(a.publicKey)), kid: "k1", alg: "ES256", use: "sig" }] };
});

interface Case {
  rightKey: boolean;
  issuerOk: boolean;
  aud: "client" | "other" | "both";
  azp: "none" | "client" | "other";
  iatOffset: number;
  expOffset: number;
  nonce: "none" | "same" | "other";
  expectNonce: boolean;
}

async function sign(c: Case): Promise<string> {
  const aud = c.aud === "client" ? CLIENT : c.aud === "other" ? "someone-else" : [CLIENT, "someone-else"];
  const claims: jose.JWTPayload = {
    sub: "pat.sample",
    name: "Pat Sample",
    iss: c.issuerOk ? ISSUER : "https://evil.example",
    aud,
    iat: NOW / 1000 + c.iatOffset,
    exp: NOW / 1000 + c.expOffset,
  };
  if (c.azp !== "none") claims.azp = c.azp === "client" ? CLIENT : "someone-else";
  if (c.nonce !== "none") claims.nonce = c.nonce === "same" ? "n-123" : "n-999";
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: "k1" })
    .sign(c.rightKey ? good : other);
}

/** OpenID Connect Core 3.1.3.7, as the oracle. */
function accepted(c: Case): boolean {
  const tol = ID_TOKEN_TOLERANCE_SECONDS;
  if (!c.rightKey || !c.issuerOk || c.aud === "other") return false;
  if (c.aud === "both" && c.azp !== "client") return false;
  if (c.azp === "other") return false;
  if (c.expOffset <= -tol) return false;
  if (c.iatOffset > tol) return false;
  if (c.expectNonce && c.nonce !== "same") return false;
  return true;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  rightKey: fc.boolean(),
  issuerOk: fc.boolean(),
  aud: fc.constantFrom("client", "other", "both"),
  azp: fc.constantFrom("none", "client", "other"),
  // Around the tolerance's edges, where off-by-one mistakes live.
  iatOffset: fc.oneof(
    fc.integer({ min: -3600, max: 0 }),
    fc.integer({ min: 55, max: 65 }),
    fc.integer({ min: 0, max: 600 }),
  ),
  expOffset: fc.oneof(fc.integer({ min: -65, max: -55 }), fc.integer({ min: -600, max: 3600 })),
  nonce: fc.constantFrom("none", "same", "other"),
  expectNonce: fc.boolean(),
});

describe("validateIdToken", () => {
  it("accepts exactly the tokens OpenID Connect Core says to accept", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const token = await sign(c);
        const result = await validateIdToken(token, {
          issuer: ISSUER,
          clientId: CLIENT,
          now: NOW,
          nonce: c.expectNonce ? "n-123" : undefined,
          keys: async () => jwks,
        }).then(
          () => "ok",
          (e: unknown) => e,
        );
        if (accepted(c)) expect(result).toBe("ok");
        else {
          expect(result).toBeInstanceOf(CliError);
          expect((result as CliError).exitCode).toBe(77);
          expect((result as CliError).message).toMatch(/^The sign-in provider's ID token was not accepted: /);
          // Never the token itself in the words.
          expect((result as CliError).message).not.toContain(token.split(".")[2]);
        }
      }),
      { numRuns: cases(400) },
    );
  });

  it("fetches the JWKS again once when the signing key is new (a rotation), and then accepts", async () => {
    const rotated = await jose.generateKeyPair("ES256", { extractable: true });
    const token = await new jose.SignJWT({
      sub: "s",
      iss: ISSUER,
      aud: CLIENT,
      iat: NOW / 1000,
      exp: NOW / 1000 + 300,
    })
      .setProtectedHeader({ alg: "ES256", kid: "k2" })
      .sign(rotated.privateKey);
    const asked: boolean[] = [];
    const fresh = { keys: [{ ...(await jose.exportJWK(rotated.publicKey)), kid: "k2", alg: "ES256" }] };
    const claims = await validateIdToken(token, {
      issuer: ISSUER,
      clientId: CLIENT,
      now: NOW,
      keys: async (again) => {
        asked.push(again);
        return again ? fresh : jwks;
      },
    });
    expect(claims.sub).toBe("s");
    expect(asked).toEqual([false, true]);
  });
});
