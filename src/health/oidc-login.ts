// health --login on an OIDC profile: instead of login, me and logout, the phases discovery (the
// provider's metadata, its issuer the configured one), jwks (its signing keys, not empty), token
// (the refresh-token grant for a monitoring account, or, where the profile names a confidential
// monitoring client in `auth.monitor`, the client credentials grant) and me (the member API with
// that token). A refused grant is CRITICAL with the provider's error and is never sent again by
// this process (health serve scrapes again and again: a provider may lock or rate-limit the client).
// Every provider request is bounded by the profile's timeoutMs, so a provider that never answers
// is a timed-out phase, not a monitor that hangs.

import type { SignInDeps } from "../auth/sign-in.js";
import type { OidcSettings, Profile } from "../config/load.js";
import type { CredentialAccess } from "../credentials/access.js";
import { UsageError } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import { type LoginOutcome, type LoginStep, timePhase } from "./probe.js";
import type { PhaseResult } from "./result.js";

/** health --login's (src/health/login.ts's HealthLoginDeps), with the provider's transport. */
export interface OidcHealthDeps extends SignInDeps {
  /** --refresh-token-file and --client-secret-file are read relative to it. */
  cwd: string;
  credentials(): Promise<CredentialAccess>;
  cleanups?: (() => Promise<void> | void)[];
  /** The run ends with the process (AppContext.endsWithProcess). */
  endsWithProcess?: boolean;
  trace?: (line: string) => void;
}

export interface MonitorToken {
  kind?: "refresh";
  refreshToken: string;
  source: "file" | "env" | "keychain";
  /** The keychain account, when kept there (a rotated token is written back). */
  username?: string;
}

/** `auth.monitor`: a confidential client's id and its secret (kept in memory only). */
export interface MonitorSecret {
  kind: "client";
  clientId: string;
  scopes?: string[];
  /** Never printed, logged or written. */
  secret: string;
  source: "file" | "env" | "keychain";
}

export type MonitorCredential = MonitorToken | MonitorSecret;

export interface MonitorOptions {
  username?: string;
  refreshTokenFile?: string;
  clientSecretFile?: string;
}

/**
 * The monitoring credential of an OIDC profile: with `auth.monitor`, the client's secret
 * (--client-secret-file > RXPORTAL_CLIENT_SECRET > the keychain, service rxportal/<profile>,
 * account <monitor clientId>); otherwise a refresh token (resolveMonitorToken). None: UNKNOWN.
 */
export async function resolveMonitorCredential(
  deps: OidcHealthDeps,
  profile: Profile,
  opts: MonitorOptions,
): Promise<MonitorCredential> {
  const monitor = (profile.auth as OidcSettings).monitor;
  if (!monitor) return resolveMonitorToken(deps, profile, opts);
  const base = { kind: "client" as const, clientId: monitor.clientId, scopes: monitor.scopes };
  if (opts.clientSecretFile) {
    return {
      ...base,
      secret: (await readSecretFile(deps, opts.clientSecretFile, "--client-secret-file")).trim(),
      source: "file",
    };
  }
  if (deps.env.RXPORTAL_CLIENT_SECRET) {
    return { ...base, secret: deps.env.RXPORTAL_CLIENT_SECRET, source: "env" };
  }
  const { credentialsOf } = await import("../auth/kept.js");
  const creds = await credentialsOf(deps);
  // Also a store of this run only: --sandbox --oidc keeps the sandbox client's demo secret there.
  const kept = await creds.store.getPassword(profile.name, monitor.clientId).catch(() => undefined);
  if (kept) return { ...base, secret: kept, source: "keychain" };
  throw new UsageError(
    `health --login on the OIDC profile "${profile.name}" has no secret for its monitoring client ${monitor.clientId} (auth.monitor): set RXPORTAL_CLIENT_SECRET, pass --client-secret-file <file> (mode 0600), or keep it in the keychain (service rxportal/${profile.name}, account ${monitor.clientId}).`,
  );
}

/** A 0600 file's first line, with the flag's own name in its errors. */
async function readSecretFile(deps: { cwd: string }, file: string, flag: string): Promise<string> {
  const { readPasswordFile } = await import("../auth/secret-input.js");
  return readPasswordFile(deps, file).catch((error: unknown) => {
    if (error instanceof UsageError)
      throw new UsageError(error.message.replace(/--password-file/g, flag), {
        hint: error.hint,
      });
    throw error;
  });
}

/** --refresh-token-file > RXPORTAL_REFRESH_TOKEN > the profile user's kept session; else UNKNOWN. */
export async function resolveMonitorToken(
  deps: OidcHealthDeps,
  profile: Profile,
  opts: { username?: string; refreshTokenFile?: string },
): Promise<MonitorToken> {
  if (opts.refreshTokenFile) {
    const refreshToken = (await readSecretFile(deps, opts.refreshTokenFile, "--refresh-token-file")).trim();
    return { refreshToken, source: "file" };
  }
  if (deps.env.RXPORTAL_REFRESH_TOKEN)
    return { refreshToken: deps.env.RXPORTAL_REFRESH_TOKEN, source: "env" };
  const { credentialsOf } = await import("../auth/kept.js");
  const { lastUsername } = await import("../auth/users.js");
  const username = opts.username ?? profile.username ?? (await lastUsername(deps, profile.name));
  const creds = await credentialsOf(deps);
  const session =
    username && creds.persistent
      ? await creds.store.getSession(profile.name, username).catch(() => undefined)
      : undefined;
  if (session?.refreshToken && username)
    return { refreshToken: session.refreshToken, source: "keychain", username };
  throw new UsageError(
    `health --login on the OIDC profile "${profile.name}" has no refresh token: set RXPORTAL_REFRESH_TOKEN, pass --refresh-token-file <file> (mode 0600), or sign the monitoring account in with \`rxportal login\` so the keychain keeps one.`,
  );
}

export function oidcLoginStep(
  deps: OidcHealthDeps,
  profile: Profile,
  credential: MonitorCredential,
): LoginStep {
  const settings = profile.auth as OidcSettings;
  let current = credential.kind === "client" ? "" : credential.refreshToken;
  /** The provider refused the grant: reported again as it was, never sent again. */
  let refused: PhaseResult | undefined;
  /**
   * The provider's transport, made at the first login and kept for the step's life, as the
   * target's portal transport is: `health serve` logs in again and again, and a transport per
   * login would leave one more agent, and one more close among the cleanups, every time.
   */
  let providerFetch: Promise<typeof globalThis.fetch> | undefined;
  return async (client: PortalClient): Promise<LoginOutcome> => {
    const at = new Date(deps.clock.now()).toISOString();
    const phases: PhaseResult[] = [];
    const { OidcProvider } = await import("../auth/oidc/provider.js");
    providerFetch ??= providerTransport(deps, profile.timeoutMs);
    const fetchOverride = await providerFetch;
    // Each provider request within the probe's own deadline (the profile's timeoutMs).
    const timed = Object.create(deps, {
      requestTimeoutMs: { value: profile.timeoutMs },
      fetchOverride: { value: fetchOverride },
    }) as OidcHealthDeps;
    let provider: import("../auth/oidc/provider.js").OidcProvider | undefined;
    phases.push(
      await timePhase("discovery", async () => {
        provider = await OidcProvider.discover(timed, settings);
        return provider.as.issuer;
      }),
    );
    let subject = credential.kind === "client" ? credential.clientId : (credential.username ?? "monitor");
    if (provider) {
      const op = provider;
      phases.push(
        await timePhase("jwks", async () => {
          const { keys } = await op.keys(true);
          if (keys.length === 0)
            throw new UsageError("The provider's JWKS has no keys: no ID token can be checked.");
          return `${keys.length} key${keys.length === 1 ? "" : "s"}`;
        }),
      );
      let access: string | undefined;
      if (refused) phases.push({ ...refused, ms: 0, reused: true });
      else {
        const grant = await timePhase("token", async () => {
          if (credential.kind === "client") {
            const tokens = await op.clientCredentials(credential, credential.secret);
            access = tokens.accessToken;
            return `client credentials (${credential.clientId})`;
          }
          const tokens = await op.refresh(current);
          access = tokens.accessToken;
          if (tokens.claims) subject = tokens.claims.sub;
          if (tokens.refreshToken && tokens.refreshToken !== current) {
            // A rotating provider spent the old token: keep the new one for the next probe.
            current = tokens.refreshToken;
            await keepRotated(
              deps,
              profile,
              credential,
              tokens.refreshToken,
              tokens.expiresIn,
              tokens.accessToken,
            );
          }
          return tokens.claims?.sub ?? "refreshed";
        });
        if (!grant.ok && grant.code !== "oidc_unavailable" && grant.code !== "timeout") refused = grant;
        phases.push(grant);
      }
      if (access) {
        const bearer = access;
        phases.push(
          await timePhase("me", async () => (await client.as({ accessToken: bearer }).getMe()).memberId),
        );
      }
    }
    const ok = phases.every((p) => p.ok);
    return { phases, login: { username: subject, ok, at, reused: false } };
  };
}

async function keepRotated(
  deps: OidcHealthDeps,
  profile: Profile,
  token: MonitorToken,
  refreshToken: string,
  expiresIn: number,
  accessToken: string,
): Promise<void> {
  if (token.source !== "keychain" || !token.username) return;
  const { credentialsOf } = await import("../auth/kept.js");
  const creds = await credentialsOf(deps);
  const old = await creds.store.getSession(profile.name, token.username).catch(() => undefined);
  await creds.store.setSession(profile.name, token.username, {
    ...old,
    accessToken,
    refreshToken,
    expiresAt: new Date(deps.clock.now() + expiresIn * 1000).toISOString(),
  });
}

/** The provider's transport: rxportal's own (src/portal/transport.ts), unless a test injects fetch. */
async function providerTransport(deps: OidcHealthDeps, timeoutMs: number): Promise<typeof globalThis.fetch> {
  if (deps.fetchOverride) return deps.fetchOverride;
  const { portalTransport } = await import("../portal/transport.js");
  return portalTransport(
    { env: deps.env, cleanups: deps.cleanups ?? [], endsWithProcess: deps.endsWithProcess },
    timeoutMs,
  );
}
