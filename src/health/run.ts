// Which portals to probe and with what: profiles (one, several, or --all), credentials for
// --login, the fetch, the thresholds. Prepared once (health serve probes again on every scrape),
// then every profile is probed in parallel.
import { type Profile, requireApiProfile, resolveProfile } from "../config/load.js";
import type { AppContext } from "../context.js";
import { UsageError } from "../errors.js";
import { loginStep, resolveHealthCredentials } from "./login.js";
import { type LoginStep, probeProfile } from "./probe.js";
import { combine, type HealthReport } from "./report.js";
import type { Thresholds } from "./thresholds.js";

export interface HealthTargetOptions {
  /** health's own --profile, repeatable. */
  profile?: string[];
  all?: boolean;
  login?: boolean;
  username?: string;
  passwordFile?: string;
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

async function selectProfiles(ctx: AppContext, opts: HealthTargetOptions): Promise<Profile[]> {
  const named = opts.profile ?? (ctx.globals.profile ? [ctx.globals.profile] : undefined);
  if (ctx.globals.sandbox) {
    if (opts.all || (opts.profile && opts.profile.length > 0)) {
      throw new UsageError("--sandbox probes the bundled sandbox only; leave out --all and --profile.");
    }
    return [await ctx.profile()];
  }
  if (!opts.all && !named) return [await ctx.profile()];
  const config = await ctx.config();
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
    resolveProfile(config, { flag: name, env: ctx.env, timeoutMs: ctx.globals.timeout }),
  );
}

/** The one portal transport (node:http, or undici behind a proxy), unless a test injects fetch. */
async function portalFetch(ctx: AppContext, timeoutMs: number): Promise<typeof globalThis.fetch> {
  if (ctx.fetchOverride) return ctx.fetchOverride;
  const { portalTransport } = await import("../portal/transport.js");
  return portalTransport(ctx, timeoutMs);
}

export async function prepareHealth(
  ctx: AppContext,
  opts: HealthTargetOptions,
  thresholds: Thresholds,
): Promise<PreparedHealth> {
  if (!opts.login && (opts.username || opts.passwordFile)) {
    throw new UsageError("--username and --password-file are for --login; add --login to sign in.");
  }
  const profiles = await selectProfiles(ctx, opts);
  // Health builds its own client (not ctx.portal()), so it asks for the same guard itself.
  for (const profile of profiles) requireApiProfile(profile);
  const targets: HealthTarget[] = [];
  for (const profile of profiles) {
    const target: HealthTarget = { profile, timeoutMs: profile.timeoutMs };
    if (opts.login) {
      // Every credential is found before any probe runs: a missing one is a setup mistake
      // (UNKNOWN), not a portal failure.
      const credentials = await resolveHealthCredentials(ctx, profile, opts);
      target.login = loginStep(ctx, profile, credentials);
    }
    targets.push(target);
  }
  const fetch = await portalFetch(ctx, Math.max(...targets.map((t) => t.timeoutMs)));
  return { targets, thresholds, fetch };
}

/** Probes every target in parallel; `wrapLogin` lets health serve reuse recent sign-ins. */
export async function runHealth(
  ctx: AppContext,
  prepared: PreparedHealth,
  wrapLogin?: (target: HealthTarget) => LoginStep | undefined,
): Promise<HealthReport> {
  const results = await Promise.all(
    prepared.targets.map((target) =>
      probeProfile({
        profile: target.profile,
        fetch: prepared.fetch,
        timeoutMs: target.timeoutMs,
        thresholds: prepared.thresholds,
        signal: ctx.signal,
        now: () => ctx.clock.now(),
        login: wrapLogin ? wrapLogin(target) : target.login,
        trace: ctx.trace,
      }),
    ),
  );
  return combine(results);
}
