// Which portals to probe and with what: profiles (one, several, or --all), credentials for
// --login, the fetch, the thresholds. Prepared once (health serve probes again on every scrape),
// then the profiles are probed in parallel, a bounded number at once.
import { type LoadedConfig, type Profile, requireApiProfile, resolveProfile } from "../config/load.js";
import { UsageError } from "../errors.js";
import { createLimiter, DEFAULT_CONCURRENCY, type Limiter } from "./limit.js";
import { type HealthLoginDeps, loginStep, resolveHealthCredentials } from "./login.js";
import { type LoginStep, probeProfile } from "./probe.js";
import { combine, type HealthReport } from "./report.js";
import type { Thresholds } from "./thresholds.js";

/** What health needs from the run: the profiles, the transport, and --login's sign-in. */
export interface HealthDeps extends HealthLoginDeps {
  /** The global --profile, --sandbox and --timeout. */
  globals: { profile?: string; sandbox?: boolean; timeout?: number };
  /** The profile the global options name (with --sandbox, the embedded sandbox's). */
  profile(): Promise<Profile>;
  config(): Promise<LoadedConfig>;
  /** The transport is closed at the end of the run. */
  cleanups: (() => Promise<void> | void)[];
  /** The run ends with the process (AppContext.endsWithProcess). */
  endsWithProcess?: boolean;
  /** --verbose. */
  trace?: (line: string) => void;
}

/** What probing needs once prepared (health serve probes on every scrape). */
export type ProbeDeps = Pick<HealthDeps, "signal" | "clock" | "trace">;

export interface HealthTargetOptions {
  /** health's own --profile, repeatable. */
  profile?: string[];
  all?: boolean;
  login?: boolean;
  username?: string;
  passwordFile?: string;
  /** OIDC profiles: the monitoring account's refresh token (src/health/oidc-login.ts). */
  refreshTokenFile?: string;
  /** OIDC profiles with `auth.monitor`: the monitoring client's secret. */
  clientSecretFile?: string;
}

export interface HealthTarget {
  profile: Profile;
  timeoutMs: number;
  login?: LoginStep;
}

export interface PreparedHealth {
  targets: HealthTarget[];
  thresholds: Thresholds;
  fetch: typeof globalThis.fetch;
}

async function selectProfiles(deps: HealthDeps, opts: HealthTargetOptions): Promise<Profile[]> {
  const named = opts.profile ?? (deps.globals.profile ? [deps.globals.profile] : undefined);
  if (deps.globals.sandbox) {
    if (opts.all || (opts.profile && opts.profile.length > 0)) {
      throw new UsageError("--sandbox probes the bundled sandbox only; leave out --all and --profile.");
    }
    return [await deps.profile()];
  }
  if (!opts.all && !named) return [await deps.profile()];
  const config = await deps.config();
  let names: string[];
  if (opts.all) {
    if (named) throw new UsageError("Give either --all or --profile, not both.");
    names = Object.keys(config.data.profiles ?? {});
    if (names.length === 0) {
      throw new UsageError(
        `--all probes every profile in the config file, and ${config.exists ? config.file : "there is no config file"}${config.exists ? " has none" : ""}.`,
        { hint: "Add profiles to the config file, or name them with --profile <name> (repeatable)." },
      );
    }
  } else {
    names = [...new Set(named)];
  }
  return names.map((name) =>
    resolveProfile(config, { flag: name, env: deps.env, timeoutMs: deps.globals.timeout }),
  );
}

/** The one portal transport (node:http, or undici behind a proxy), unless a test injects fetch. */
async function portalFetch(deps: HealthDeps, timeoutMs: number): Promise<typeof globalThis.fetch> {
  if (deps.fetchOverride) return deps.fetchOverride;
  const { portalTransport } = await import("../portal/transport.js");
  return portalTransport(deps, timeoutMs);
}

/**
 * A monitoring credential's flag that no probed profile would read is a setup mistake, said
 * before anything is sent (a monitor that passed --client-secret-file to a refresh-token
 * profile would otherwise probe with another credential than the one it meant).
 */
function checkCredentialFlags(profiles: Profile[], opts: HealthTargetOptions): void {
  const oidc = profiles.flatMap((p) => (p.auth?.type === "oidc" ? [p.auth] : []));
  if (opts.clientSecretFile && !oidc.some((auth) => auth.monitor)) {
    throw new UsageError(
      "--client-secret-file is for an OIDC profile whose auth names a monitoring client (auth.monitor: {clientId}); none of the profiles probed does.",
    );
  }
  if (opts.refreshTokenFile && !oidc.some((auth) => !auth.monitor)) {
    throw new UsageError(
      "--refresh-token-file is for an OIDC profile that probes with a monitoring account's refresh token; none of the profiles probed does (a profile with auth.monitor uses its client's secret).",
    );
  }
  if (opts.passwordFile && profiles.every((p) => p.auth?.type === "oidc")) {
    throw new UsageError(
      "--password-file is for portal profiles; an OIDC profile's monitor uses a refresh token (--refresh-token-file) or a monitoring client's secret (--client-secret-file).",
    );
  }
}

export async function prepareHealth(
  deps: HealthDeps,
  opts: HealthTargetOptions,
  thresholds: Thresholds,
): Promise<PreparedHealth> {
  if (!opts.login && (opts.username || opts.passwordFile || opts.refreshTokenFile || opts.clientSecretFile)) {
    throw new UsageError(
      "--username, --password-file, --refresh-token-file and --client-secret-file are for --login; add --login to sign in.",
    );
  }
  const profiles = await selectProfiles(deps, opts);
  if (opts.login) checkCredentialFlags(profiles, opts);
  // Health builds its own client (not the context's portal()), so it asks for the same guard itself.
  for (const profile of profiles) requireApiProfile(profile);
  const targets: HealthTarget[] = [];
  for (const profile of profiles) {
    const target: HealthTarget = { profile, timeoutMs: profile.timeoutMs };
    if (opts.login) {
      // Every credential is found before any probe runs: a missing one is a setup mistake
      // (UNKNOWN), not a portal failure. A portal profile's is a password; an OIDC profile's a
      // refresh token, or its monitoring client's secret (src/health/oidc-login.ts).
      const credentials = await resolveHealthCredentials(deps, profile, opts);
      target.login = loginStep(deps, profile, credentials);
    }
    targets.push(target);
  }
  const fetch = await portalFetch(deps, Math.max(...targets.map((t) => t.timeoutMs)));
  return { targets, thresholds, fetch };
}

/**
 * Probes every target, at most `limiter.limit` at once (the rest wait their turn); `wrapLogin`
 * lets health serve reuse recent sign-ins.
 */
export async function runHealth(
  deps: ProbeDeps,
  prepared: PreparedHealth,
  wrapLogin?: (target: HealthTarget) => LoginStep | undefined,
  limiter: Limiter = createLimiter(DEFAULT_CONCURRENCY),
): Promise<HealthReport> {
  const results = await Promise.all(
    prepared.targets.map((target) =>
      limiter.run(() =>
        probeProfile({
          profile: target.profile,
          fetch: prepared.fetch,
          timeoutMs: target.timeoutMs,
          thresholds: prepared.thresholds,
          signal: deps.signal,
          now: () => deps.clock.now(),
          login: wrapLogin ? wrapLogin(target) : target.login,
          trace: deps.trace,
        }),
      ),
    ),
  );
  return combine(results);
}
