// Validating an ID token before anything of it is kept or shown (OpenID Connect Core 3.1.3.7):
// the signature against the provider's JWKS, iss, aud (and azp), exp, iat and nonce. oauth4webapi
// checks the claims too, but not the signature of a token that came over TLS; rxportal checks it,
// so a token is trusted for what the provider signed, not for the path it came by.
import * as jose from "jose";
import { AuthRequiredError, CliError } from "../../errors.js";

/**
 * How far the clocks of this computer and the provider may disagree, in seconds, for exp and iat.
 * A minute covers ordinary drift; a PC clock off by more is what `rxportal doctor` diagnoses.
 */
export const ID_TOKEN_TOLERANCE_SECONDS = 60;

export interface IdTokenClaims {
  sub: string;
  name?: string;
  preferred_username?: string;
  email?: string;
  iat: number;
  exp: number;
}

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  /** Milliseconds since the epoch, by rxportal's clock. */
  now: number;
  /** The nonce this flow sent, when it sent one (the redirect flow). */
  nonce?: string;
  /** The provider's JWKS; `fresh` asks again (a rotated key). */
  keys(fresh: boolean): Promise<{ keys: unknown[] }>;
}

function refused(why: string, cause?: unknown): AuthRequiredError {
  return new AuthRequiredError(`The sign-in provider's ID token was not accepted: ${why}.`, {
    code: "id_token_invalid",
    cause,
    hint: "Run `rxportal login` again; if it keeps failing, `rxportal doctor` checks this computer's clock and the provider.",
  });
}

export async function validateIdToken(token: string, expect: IdTokenExpectations): Promise<IdTokenClaims> {
  const verify = async (fresh: boolean) =>
    jose.jwtVerify(token, jose.createLocalJWKSet((await expect.keys(fresh)) as jose.JSONWebKeySet), {
      issuer: expect.issuer,
      audience: expect.clientId,
      clockTolerance: ID_TOKEN_TOLERANCE_SECONDS,
      currentDate: new Date(expect.now),
      requiredClaims: ["sub", "iat", "exp"],
    });
  let payload: jose.JWTPayload;
  try {
    payload = (await verify(false)).payload;
  } catch (error) {
    if (!(error instanceof jose.errors.JWKSNoMatchingKey)) throw explain(error);
    // The provider rotated its keys since they were fetched: once more with a fresh set.
    try {
      payload = (await verify(true)).payload;
    } catch (again) {
      throw explain(again);
    }
  }
  const nowSeconds = Math.floor(expect.now / 1000);
  const iat = payload.iat as number;
  if (iat > nowSeconds + ID_TOKEN_TOLERANCE_SECONDS) {
    throw refused(
      `it was issued ${iat - nowSeconds} seconds in the future (this computer's clock or the provider's is off)`,
    );
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (aud.length > 1 && payload.azp !== expect.clientId)
    throw refused("it names other audiences and another authorized party");
  if (payload.azp !== undefined && payload.azp !== expect.clientId)
    throw refused("its authorized party (azp) is another client");
  if (expect.nonce !== undefined && payload.nonce !== expect.nonce)
    throw refused("its nonce is not the one this sign-in sent");
  const text = (key: string) => (typeof payload[key] === "string" ? (payload[key] as string) : undefined);
  return {
    sub: payload.sub as string,
    name: text("name"),
    preferred_username: text("preferred_username"),
    email: text("email"),
    iat,
    exp: payload.exp as number,
  };
}

function explain(error: unknown): CliError {
  // The JWKS could not be fetched: the provider's unavailability, as it was reported.
  if (error instanceof CliError) return error;
  if (error instanceof jose.errors.JWTExpired)
    return refused("it has expired (check this computer's clock)", error);
  if (error instanceof jose.errors.JWTClaimValidationFailed)
    return refused(`its ${error.claim} claim is wrong (${error.reason})`, error);
  if (error instanceof jose.errors.JWSSignatureVerificationFailed)
    return refused("its signature does not verify", error);
  if (error instanceof jose.errors.JWKSNoMatchingKey)
    return refused("no key of the provider's JWKS signed it", error);
  if (error instanceof jose.errors.JOSEError) return refused(error.code, error);
  return refused(error instanceof Error ? error.message : String(error), error);
}

/** The member's name as the provider gives it: name, else preferred_username, else email, else sub. */
export function displayName(
  claims: Pick<IdTokenClaims, "sub" | "name" | "preferred_username" | "email">,
): string {
  return claims.name ?? claims.preferred_username ?? claims.email ?? claims.sub;
}
