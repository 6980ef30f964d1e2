// What `health` and `health serve` share: their flags, the probe set-up and the UNKNOWN output.
import type { AppContext } from "../../context.js";
import { CliError, UsageError } from "../../errors.js";
import { prepareHealth } from "../../health/run.js";
import { buildThresholds } from "../../health/thresholds.js";

export const HEALTH_FORMATS = ["human", "json", "prometheus", "nagios"] as const;

export type HealthFormat = (typeof HEALTH_FORMATS)[number];

export interface HealthProbeFlags {
  /** Every --profile given, before or after `health` (the global option keeps only the last). */
  profiles: string[];
  all?: boolean;
  /** At most this many probes at once (default DEFAULT_CONCURRENCY). */
  concurrency?: number;
  login?: boolean;
  username?: string;
  passwordFile?: string;
  refreshTokenFile?: string;
  clientSecretFile?: string;
  warnMs?: string[];
  critMs?: string[];
  certWarnDays?: number;
  certCritDays?: number;
}

export interface HealthFlags extends HealthProbeFlags {
  format?: HealthFormat;
}

export interface ServeFlags extends HealthProbeFlags {
  host: string;
  port: number;
  minLoginInterval: number;
  shutdownGrace: number;
  webConfigFile?: string;
  logFormat?: "logfmt" | "json";
  logLevel?: "debug" | "info" | "warn" | "error";
  "web.config.file"?: string;
  "log.format"?: "logfmt" | "json";
  "log.level"?: "debug" | "info" | "warn" | "error";
}

export function prepare(ctx: AppContext, flags: HealthProbeFlags) {
  const thresholds = buildThresholds(flags);
  return prepareHealth(
    ctx,
    {
      profile: flags.profiles.length > 0 ? flags.profiles : undefined,
      all: flags.all,
      login: flags.login,
      username: flags.username,
      passwordFile: flags.passwordFile,
      refreshTokenFile: flags.refreshTokenFile,
      clientSecretFile: flags.clientSecretFile,
    },
    thresholds,
  );
}

/** Why the probe could not run, in one line for a monitor (never a stack: that goes to stderr). */
function unknownReason(error: unknown): string {
  if (error instanceof CliError) return error.message;
  return `internal error in rxportal (a bug; see stderr): ${error instanceof Error ? error.message : String(error)}`;
}

export async function writeUnknown(ctx: AppContext, format: HealthFormat, error: unknown): Promise<void> {
  if (format === "nagios") {
    const { formatNagiosUnknown } = await import("../../health/format-nagios.js");
    ctx.io.stdout.write(formatNagiosUnknown(unknownReason(error)));
  } else if (format === "prometheus") {
    const { formatPrometheusUnknown } = await import("../../health/format-prometheus.js");
    ctx.io.stdout.write(formatPrometheusUnknown(unknownReason(error)));
  }
}

/**
 * For main.ts, when commander rejected `health`'s arguments before the command ran (an unknown
 * option, `--cert-warn-days -1`, a missing value): a monitor that asked for nagios or prometheus
 * output still gets its UNKNOWN on stdout. Help and version are not errors; `health serve` has
 * no output format.
 */
export async function writeRejectedArgsUnknown(
  ctx: AppContext,
  argv: readonly string[],
  error: unknown,
): Promise<void> {
  if (!(error instanceof Error) || !("code" in error) || typeof error.code !== "string") return;
  if (!error.code.startsWith("commander.") || /^commander\.(help|helpDisplayed|version)$/.test(error.code))
    return;
  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    if (arg === "serve") return;
    if (arg === "--format") format = argv[++i];
    else if (arg.startsWith("--format=")) format = arg.slice("--format=".length);
  }
  if (format === "nagios" || format === "prometheus") {
    await writeUnknown(ctx, format, new UsageError(error.message.replace(/^error: /, "")));
  }
}

/**
 * Every --profile value on the command line. The global option keeps only the last one, and
 * commander hands a program option given after the command name to the program too, so health
 * reads the repeats from the raw arguments (already split by commander).
 */
export function profilesFromArgs(args: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") break;
    if (arg === "--profile" && i + 1 < args.length) names.push(args[++i] as string);
    else if (arg.startsWith("--profile=")) names.push(arg.slice("--profile=".length));
  }
  return names;
}

/**
 * A malformed RXPORTAL_TOTP_SECRET is the monitor's configuration, not the portal's state: UNKNOWN
 * (exit 3) with one line before any probe, rather than a CRITICAL sign-in failure on every run.
 */
export async function checkTotpSecret(ctx: AppContext): Promise<void> {
  const secret = ctx.env.RXPORTAL_TOTP_SECRET;
  if (!secret) return;
  const { decodeBase32 } = await import("../../portal/totp.js");
  decodeBase32(secret);
}
