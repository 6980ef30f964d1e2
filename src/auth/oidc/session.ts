// Sessions of an `auth: {type: oidc}` profile: the device-flow sign-in, the kept refresh token,
// refreshing before expiry, and revocation at logout. The session is the same explicit value the
// portal's own sign-in gives (`client.as(session)`): only where its tokens come from differs, so
// the member API's client is not duplicated. Loaded only for an OIDC profile.
import type { OidcSettings, Profile } from "../../config/load.js";
import type { CredentialAccess } from "../../credentials/access.js";
import type { StoredSession } from "../../credentials/store.js";
import { AuthRequiredError, CliError, ExitCode, InterruptedError, PortalRefusedError } from "../../errors.js";
import type { PortalClient } from "../../portal/client.js";
import { note } from "../../ui/output.js";
import type { SessionDeps, SignedIn } from "../kept.js";
import { credentialsOf, markSignedOut, noteKeptProfile, notKeptBecause } from "../kept.js";
import { rememberUsername } from "../users.js";
import { openBrowser } from "./browser.js";
import { waitForApproval } from "./device.js";
import { displayName, type IdTokenClaims } from "./id-token.js";
import { type OidcDeps, OidcProvider, type TokenSet } from "./provider.js";

export type OidcSessionDeps = SessionDeps &
  Pick<OidcDeps, "cleanups" | "endsWithProcess" | "trace"> & {
    /** --sandbox --oidc: the embedded provider approves device codes by itself. */
    globals: { sandbox?: boolean; oidc?: boolean };
  };

/** Refresh a little before the provider's expiry so a request does not race it. */
const EXPIRY_MARGIN_MS = 30_000;

export function oidcSettings(profile: Profile): OidcSettings {
  if (profile.auth?.type !== "oidc") throw new TypeError(`profile ${profile.name} is not an OIDC profile`);
  return profile.auth;
}

export async function openProvider(ctx: OidcSessionDeps, profile: Profile): Promise<OidcProvider> {
  return OidcProvider.discover(ctx, oidcSettings(profile));
}

/** The keychain account of an OIDC member: a name people know, else the provider's subject. */
export function accountOf(claims: IdTokenClaims): string {
  return claims.preferred_username ?? claims.email ?? claims.sub;
}

function abortableSleep(signal: AbortSignal) {
  return (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new InterruptedError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new InterruptedError());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
}

export interface OidcSignedIn extends SignedIn {
  tokens: TokenSet;
  claims: IdTokenClaims;
}

/**
 * Signs in at the provider and keeps the session: the device flow (RFC 8628) by default, or with
 * `web` the browser on this computer (Authorization Code with PKCE, ./web.ts).
 */
export async function oidcSignIn(
  ctx: OidcSessionDeps,
  opts: { web?: boolean; webTimeoutMs?: number; noBrowser?: boolean } = {},
): Promise<OidcSignedIn> {
  const [profile, client, creds] = await Promise.all([ctx.profile(), ctx.portal(), credentialsOf(ctx)]);
  const provider = await openProvider(ctx, profile);
  const tokens = opts.web
    ? await (await import("./web.js")).webSignIn(provider, {
        port: oidcSettings(profile).redirectPort,
        signal: ctx.signal,
        timeoutMs: opts.webTimeoutMs,
        say: (line) => ctx.io.stderr.write(`${line}\n`),
        open: (url) => openBrowser(url, { env: ctx.env, noBrowser: opts.noBrowser }),
      })
    : await deviceSignIn(ctx, provider);
  if (!tokens.claims) {
    throw new CliError(
      "The sign-in provider sent no ID token: rxportal cannot tell who signed in.",
      ExitCode.refused,
      {
        hint: 'The profile\'s scopes must include openid (docs/cli.md, "OIDC").',
      },
    );
  }
  const username = accountOf(tokens.claims);
  const kept = await keep(ctx, creds, profile, username, tokens, tokens.claims);
  await Promise.all([
    rememberUsername(ctx, profile.name, username),
    markSignedOut(ctx, profile.name, username, false),
  ]);
  return { client: client.as(tokens), profile, username, kept, tokens, claims: tokens.claims };
}

async function deviceSignIn(ctx: OidcSessionDeps, provider: OidcProvider): Promise<TokenSet> {
  const device = await provider.startDevice();
  // The user code goes to stderr, the one place the member reads it; never to stdout or a trace.
  const lines = [
    `To sign in, open ${device.verificationUri} in a browser on any device and enter the code: ${device.userCode}`,
  ];
  if (device.verificationUriComplete)
    lines.push(`Or open this address, which has the code in it: ${device.verificationUriComplete}`);
  lines.push(
    `Waiting for you to approve (the code works for ${Math.round(device.expiresIn / 60)} minutes; Ctrl-C stops)...`,
  );
  if (ctx.globals.sandbox && ctx.globals.oidc)
    lines.push(
      "rxportal: --sandbox --oidc: the embedded sandbox's demo member (pat.sample) approves this code by itself; at `rxportal sandbox --oidc` or a real provider you open the address and sign in yourself.",
    );
  for (const line of lines) ctx.io.stderr.write(`${line}\n`);
  const { tokens } = await waitForApproval(
    {
      poll: (d) => provider.pollDevice(d),
      now: () => ctx.clock.now(),
      sleep: abortableSleep(ctx.signal),
      say: (line) => note(ctx, line),
    },
    device,
  );
  return tokens;
}

function stored(
  now: number,
  tokens: TokenSet,
  claims: Pick<IdTokenClaims, "sub"> & { name?: string },
  previous?: StoredSession,
): StoredSession {
  return {
    accessToken: tokens.accessToken,
    // A provider that rotates refresh tokens sends a new one; one that does not keeps the old valid.
    refreshToken: tokens.refreshToken ?? previous?.refreshToken,
    expiresAt: new Date(now + tokens.expiresIn * 1000).toISOString(),
    subject: claims.sub,
    name: claims.name,
  };
}

async function keep(
  ctx: OidcSessionDeps,
  creds: CredentialAccess,
  profile: Profile,
  username: string,
  tokens: TokenSet,
  claims: IdTokenClaims,
): Promise<boolean> {
  if (!creds.persistent) return false;
  await noteKeptProfile(ctx, profile.name);
  await creds.store.setSession(
    profile.name,
    username,
    stored(ctx.clock.now(), tokens, { sub: claims.sub, name: displayName(claims) }),
  );
  return true;
}

/**
 * A signed-in client for an OIDC profile: the kept access token while it lasts, else a refresh
 * with the kept refresh token, else (at a terminal) the device flow. A script gets exit 77.
 */
export async function requireOidcSession(
  ctx: OidcSessionDeps,
  username: string | undefined,
): Promise<SignedIn> {
  const [profile, client, creds] = await Promise.all([ctx.profile(), ctx.portal(), credentialsOf(ctx)]);
  if (username && creds.persistent) {
    const session = await creds.store.getSession(profile.name, username).catch(() => undefined);
    if (session && Date.parse(session.expiresAt) - EXPIRY_MARGIN_MS > ctx.clock.now()) {
      return { client: client.as(session), profile, username, kept: true };
    }
    if (session?.refreshToken) {
      const fresh = await refreshKept(ctx, creds, profile, username, session);
      if (fresh) return { client: fresh, profile, username, kept: true };
    }
    if (session && !ctx.prompter.interactive) {
      throw new AuthRequiredError("Your session has ended.", {
        code: "session_expired",
        hint: "Run `rxportal login`.",
      });
    }
  }
  // --sandbox --oidc approves by itself: no person is needed, so a script signs in too.
  if (!ctx.prompter.interactive && !(ctx.globals.sandbox && ctx.globals.oidc)) {
    throw new AuthRequiredError("You are not signed in.", {
      code: "not_signed_in",
      hint: creds.persistent
        ? "Run `rxportal login` (it shows a code to approve at the sign-in provider)."
        : `Nobody stays signed in here: ${notKeptBecause(ctx, true).why}. ${notKeptBecause(ctx, true).howToLast}`,
    });
  }
  const signed = await oidcSignIn(ctx);
  if (!signed.kept) note(ctx, `rxportal: signed in for this command only: ${notKeptBecause(ctx).why}.`);
  return signed;
}

async function refreshKept(
  ctx: OidcSessionDeps,
  creds: CredentialAccess,
  profile: Profile,
  username: string,
  session: StoredSession,
): Promise<PortalClient | undefined> {
  const provider = await openProvider(ctx, profile);
  try {
    const tokens = await provider.refresh(session.refreshToken as string);
    if (tokens.claims && session.subject && tokens.claims.sub !== session.subject) {
      throw new AuthRequiredError(
        "The sign-in provider answered for another member than the one kept here.",
        {
          code: "subject_changed",
          hint: "Run `rxportal logout`, then `rxportal login`.",
        },
      );
    }
    const next = stored(
      ctx.clock.now(),
      tokens,
      { sub: session.subject ?? tokens.claims?.sub ?? username, name: session.name },
      session,
    );
    await creds.store.setSession(profile.name, username, next);
    return (await ctx.portal()).as(next);
  } catch (error) {
    // invalid_grant: the refresh token was revoked or has expired. The kept session is of no use.
    if (!(error instanceof PortalRefusedError)) throw error;
    await creds.store.deleteSession(profile.name, username).catch(() => false);
    return undefined;
  }
}

/** logout's word from the provider: the refresh token revoked (RFC 7009), or why not. */
export async function revokeAtProvider(
  ctx: OidcSessionDeps,
  profile: Profile,
  session: StoredSession,
): Promise<string> {
  if (!session.refreshToken) return "nothing to revoke (no refresh token was kept)";
  try {
    const provider = await openProvider(ctx, profile);
    return (await provider.revoke(session.refreshToken))
      ? "revoked at the sign-in provider"
      : "not revoked (the sign-in provider offers no revocation)";
  } catch (error) {
    if (error instanceof InterruptedError || !(error instanceof CliError)) throw error;
    return `could not be told (${error.message})`;
  }
}
