// Health states (the monitoring-plugin convention) and the thresholds that turn timings, the
// certificate's remaining days and the portal's own status into one.
import { UsageError } from "../errors.js";

/** Monitoring-plugin states; the number is the exit code. */
export const HealthState = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type HealthStateName = keyof typeof HealthState;

export const STATE_NAMES: HealthStateName[] = ["OK", "WARNING", "CRITICAL", "UNKNOWN"];

/**
 * Phase names, after blackbox_exporter's probe_http_duration_seconds{phase}: the network phases of
 * src/net, then one per portal request. `login` includes reading the lockout policy and the TOTP step.
 */
export const PHASES = [
  "dns",
  "connect",
  "tls",
  "status",
  "login",
  "me",
  "logout",
  // OIDC profiles' --login (src/health/oidc-login.ts) in place of login and logout.
  "discovery",
  "jwks",
  "token",
] as const;
export type PhaseName = (typeof PHASES)[number];

/** What a threshold may name: a phase, or the whole probe. */
export type ThresholdTarget = PhaseName | "total";

export interface Thresholds {
  warnMs: Partial<Record<ThresholdTarget, number>>;
  critMs: Partial<Record<ThresholdTarget, number>>;
  /** WARNING when the certificate expires in fewer days than this. */
  certWarnDays: number;
  /** CRITICAL when the certificate expires in fewer days than this. */
  certCritDays: number;
}

export const DEFAULT_CERT_WARN_DAYS = 14;
export const DEFAULT_CERT_CRIT_DAYS = 3;

/** The worse of two states. UNKNOWN ranks between WARNING and CRITICAL, as Nagios ranks it. */
export function worst(a: HealthStateName, b: HealthStateName): HealthStateName {
  const rank: Record<HealthStateName, number> = { OK: 0, WARNING: 1, UNKNOWN: 2, CRITICAL: 3 };
  return rank[b] > rank[a] ? b : a;
}

/**
 * Parses the values of --warn-ms / --crit-ms: "2000" is the whole probe, "tls=500" one phase;
 * repeatable, and "tls=500,login=3000" is the same as giving both.
 */
export function parseMsThresholds(
  flag: string,
  values: string[] | undefined,
): Partial<Record<ThresholdTarget, number>> {
  const out: Partial<Record<ThresholdTarget, number>> = {};
  for (const value of values ?? []) {
    for (const part of value.split(",")) {
      const match = /^\s*(?:([a-z]+)\s*=\s*)?(\d+(?:\.\d+)?)\s*$/.exec(part);
      const target = (match?.[1] ?? "total") as ThresholdTarget;
      if (!match || !(target === "total" || (PHASES as readonly string[]).includes(target))) {
        throw new UsageError(
          `${flag} "${part}" is not a threshold: give milliseconds for the whole probe (${flag} 2000) or for one phase (${flag} tls=500); phases: ${PHASES.join(", ")}.`,
        );
      }
      out[target] = Number(match[2]);
    }
  }
  return out;
}

export function parseDays(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number of days, e.g. ${flag} 14.`);
  return Number(value);
}

export function buildThresholds(opts: {
  warnMs?: string[];
  critMs?: string[];
  certWarnDays?: number;
  certCritDays?: number;
}): Thresholds {
  const thresholds: Thresholds = {
    warnMs: parseMsThresholds("--warn-ms", opts.warnMs),
    critMs: parseMsThresholds("--crit-ms", opts.critMs),
    certWarnDays: opts.certWarnDays ?? DEFAULT_CERT_WARN_DAYS,
    certCritDays: opts.certCritDays ?? DEFAULT_CERT_CRIT_DAYS,
  };
  for (const [target, warn] of Object.entries(thresholds.warnMs)) {
    const crit = thresholds.critMs[target as ThresholdTarget];
    if (crit !== undefined && crit < warn) {
      throw new UsageError(
        `--crit-ms for ${target} (${crit}) is below --warn-ms (${warn}); the critical limit must be the larger one.`,
      );
    }
  }
  if (thresholds.certCritDays > thresholds.certWarnDays) {
    throw new UsageError(
      `--cert-crit-days (${thresholds.certCritDays}) is above --cert-warn-days (${thresholds.certWarnDays}).`,
    );
  }
  return thresholds;
}
